// How fast this machine's last-level cache answers right now, to read a bench figure against:
// on a shared virtual machine the same code's figures drift by up to 1.8x within minutes, and
// they follow this probe, not an arithmetic loop (BENCHMARKS.md, "Analytic engine"). The
// analytic bench reports it beside its figure; it also runs on its own:
//
//   npx node bench/cache-probe.ts
import { fileURLToPath } from 'node:url';

const SLOTS = 2 ** 20;
const LOADS = 2_000_000;

/** One random cycle through all the slots: next[i] is the slot after i. */
function randomCycle(): Int32Array {
  const next = new Int32Array(SLOTS);
  const order = Array.from({ length: SLOTS }, (_, i) => i);
  for (let i = SLOTS - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (let i = 0; i < SLOTS; i++) next[order[i]!] = order[(i + 1) % SLOTS]!;
  return next;
}

/** Made once a process: a bench that probes twice makes no garbage the second time. */
let cycle: Int32Array | undefined;

/**
 * The median time (ms) of 5 walks of 2,000,000 dependent loads around one random cycle through
 * 4 MB (a pointer chase: each load waits for the one before, so the time is the cache's latency).
 */
export function cacheProbeMs(): number {
  const next = (cycle ??= randomCycle());
  const times: number[] = [];
  let at = 0;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < LOADS; i++) at = next[at]!;
    times.push(performance.now() - start);
  }
  if (at < 0) throw new Error('unreachable: keeps the walk from being optimised away');
  times.sort((a, b) => a - b);
  return times[2]!;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(`4 MB pointer chase, 2,000,000 loads: ${cacheProbeMs().toFixed(0)} ms (median of 5)`);
