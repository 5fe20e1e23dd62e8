// How fast this machine's last-level cache answers right now, to read a bench figure against:
// on a shared virtual machine the same code's figures drift by up to 1.8x within minutes, and
// they follow this probe, not an arithmetic loop (BENCHMARKS.md, "Analytic engine").
//
//   npx node bench/cache-probe.ts
//
// Prints the median of 5 walks of 2,000,000 dependent loads around one random cycle through
// 4 MB (a pointer chase: each load waits for the one before, so the time is the cache's latency).
const slots = 2 ** 20;
const next = new Int32Array(slots);
const order = Array.from({ length: slots }, (_, i) => i);
for (let i = slots - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
for (let i = 0; i < slots; i++) next[order[i]!] = order[(i + 1) % slots]!;

const times: number[] = [];
let at = 0;
for (let round = 0; round < 5; round++) {
  const start = performance.now();
  for (let i = 0; i < 2_000_000; i++) at = next[at]!;
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(
  `4 MB pointer chase, 2,000,000 loads: ${times[2]!.toFixed(0)} ms (median of 5; the walk ended at slot ${at})`,
);
