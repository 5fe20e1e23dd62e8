// The analytic engine's results, pinned: every preset, the hand-worked scenario, points of the
// bench's sweep, and 300 random scenarios, with and without the breakdown. Made before the engine
// was sped up (issue 13) so that any change to a figure, a flag, a key or the order of keys
// shows here. A deliberate model change regenerates it: `npx vitest run -u
// common/core/analytic.golden.test.ts`, and the diff of fixtures/analytic-golden.txt is the
// change in every figure.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runAnalytic } from './analytic.ts';
import { COST_KEYS, DEFAULT_COST_TABLE, RETIRED_COST_KEYS } from './costs.ts';
import { Prng } from './des/prng.ts';
import { setParameter } from './params.ts';
import { PRESETS } from './presets.ts';
import { validateScenario, type Scenario } from './scenario.ts';
import { STRATEGY_IDS } from './api.ts';
import { handScenario } from './testing.ts';
import { TOUCHPOINT_IDS } from './touchpoints.ts';

/** Exact text of a number: the shortest form that reads back as the same double, -0 kept. */
const num = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

const isEstimate = (v: object): v is { mean: number; ci95: number; n: number } => {
  const keys = Object.keys(v);
  return keys.length === 3 && keys[0] === 'mean' && keys[1] === 'ci95' && keys[2] === 'n';
};

/**
 * A value as lines of `path value`, in key order, so that equal text means deep-equal values
 * with the same key order (undefined, -0, NaN and Infinity kept). Subtrees at `pooled` paths
 * (long shared text: the cost table, capability rows) are written once into `pool`, by hash.
 */
function flatten(value: unknown, path: string, out: string[], pool: Map<string, string[]>, pooled: RegExp): void {
  if (value !== null && typeof value === 'object' && pooled.test(path)) {
    const lines: string[] = [];
    flatten(value, '', lines, pool, /(?!)/); // nothing pooled inside
    const hash = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
    pool.set(hash, lines);
    out.push(`${path} @${hash}`);
    return;
  }
  if (value === null || typeof value !== 'object') {
    const text =
      typeof value === 'number'
        ? num(value)
        : typeof value === 'string'
          ? JSON.stringify(value)
          : value === undefined
            ? 'undefined'
            : String(value);
    out.push(`${path} ${text}`);
    return;
  }
  if (!Array.isArray(value) && isEstimate(value)) {
    out.push(`${path} ${num(value.mean)} ±${num(value.ci95)} n=${num(value.n)}`);
    return;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) out.push(`${path} ${Array.isArray(value) ? '[]' : '{}'}`);
  for (const [k, v] of entries) flatten(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, out, pool, pooled);
}

const POOLED = /^(\.costTable|\.strategies\[\d+\]\.capability)$/;

// ---------------------------------------------------------------------------------------------
// The scenarios

/** A log-uniform draw in [lo, hi]. */
const logUniform = (r: Prng, lo: number, hi: number) => lo * (hi / lo) ** (1 - r.nextUnit());
const pick = <T>(r: Prng, xs: readonly T[]): T => xs[r.nextBelow(xs.length)]!;
const chance = (r: Prng, p: number) => r.nextUnit() <= p;

/**
 * A random valid scenario: a preset with about a third of its fields redrawn, over ranges that
 * reach the edges the formulas branch on (no events, fractions of pages, saturated queues, more
 * vCPUs than CPUs, broadcast invalidation, overridden and retired costs).
 */
function randomScenario(seed: number): Scenario | undefined {
  const r = new Prng(seed, 13);
  const s = structuredClone(pick(r, PRESETS).scenario) as Scenario;
  const p = 0.35;
  const { host, vm, workload, strategies: st } = s;
  if (chance(r, p)) host.cpus = Math.round(logUniform(r, 1, 1024));
  if (chance(r, p)) host.ghz = logUniform(r, 0.5, 5);
  if (chance(r, p)) host.vendor = pick(r, ['intel', 'amd', 'arm64'] as const);
  if (chance(r, p)) host.tlbInvalidation = pick(r, ['ipi', 'broadcast'] as const);
  if (host.vendor === 'arm64') {
    host.tlbInvalidation = 'broadcast';
    host.lass = false;
  }
  if (chance(r, p)) host.memoryGiB = logUniform(r, 4, 8192);
  if (chance(r, p)) host.otherVmVcpus = chance(r, 0.5) ? 0 : Math.round(logUniform(r, 1, 512));
  for (const flag of ['pcid', 'kpti', 'meltdownAffected', 'smap', 'smapStopsSpeculation'] as const)
    if (chance(r, p)) host[flag] = chance(r, 0.5);
  if (chance(r, p) && host.vendor !== 'arm64') host.lass = chance(r, 0.5);
  if (chance(r, p)) host.directMapPageSize = pick(r, ['4K', '2M', '1G'] as const);
  if (chance(r, p)) host.irqPerSecPerCpu = chance(r, 0.2) ? 0 : logUniform(r, 1, 1e5);
  if (chance(r, p)) host.nmiPerSecPerCpu = chance(r, 0.5) ? 0 : logUniform(r, 0.1, 1e4);
  if (chance(r, p)) {
    const costs: Record<string, number> = {};
    for (const key of COST_KEYS)
      if (chance(r, 0.3))
        costs[key] = chance(r, 0.1) ? DEFAULT_COST_TABLE[key] : DEFAULT_COST_TABLE[key] * logUniform(r, 0.1, 10);
    if (chance(r, 0.2)) costs[pick(r, RETIRED_COST_KEYS)] = 100;
    host.costs = costs;
    if (chance(r, 0.3)) host.profile = { id: 'ab'.repeat(32), name: 'measured host' };
  }
  if (chance(r, p)) vm.vcpus = Math.round(logUniform(r, 1, 256));
  if (chance(r, p)) vm.memoryGiB = logUniform(r, 0.0625, 1024);
  if (host.memoryGiB < vm.memoryGiB) host.memoryGiB = vm.memoryGiB * logUniform(r, 1, 16);
  if (chance(r, p)) vm.backingPageSize = pick(r, ['4K', '2M', '1G'] as const);
  for (const flag of ['nested', 'dirtyLogging', 'postCopy'] as const) if (chance(r, p)) vm[flag] = chance(r, 0.5);
  if (chance(r, p)) vm.placement = pick(r, ['pinned', 'shared'] as const);
  if (chance(r, p)) vm.userspaceExitsPerSecPerVcpu = chance(r, 0.1) ? 0 : logUniform(r, 1, 1e5);
  if (chance(r, p)) vm.schedInsPerSecPerVcpu = chance(r, 0.1) ? 0 : logUniform(r, 1, 1e5);
  if (chance(r, p)) vm.inKvmRunFraction = pick(r, [0, 1, r.nextUnit()]);
  for (const id of TOUCHPOINT_IDS) {
    const tp = workload.touchpoints[id];
    if (chance(r, p)) tp.ratePerSec = chance(r, 0.2) ? 0 : logUniform(r, 0.1, 2e6);
    if (chance(r, p))
      tp.pagesPerEvent = pick(r, [0, logUniform(r, 0.001, 1), Math.ceil(logUniform(r, 1, 600)), logUniform(r, 1, 64)]);
    if (chance(r, p)) tp.bytesPerEvent = chance(r, 0.1) ? 0 : logUniform(r, 1, 1e7);
    // Drawn for the retired `write` field: kept, so every later draw (and hash) stays the same.
    if (chance(r, p)) chance(r, 0.5);
  }
  const mix = workload.exitMix;
  if (chance(r, p)) mix.instructionDecode = pick(r, ['given', 'vendor'] as const);
  if (chance(r, p)) mix.fastMmioShare = pick(r, [0, 1, r.nextUnit()]);
  if (chance(r, p)) mix.pioStringShare = pick(r, [0, 1, r.nextUnit()]);
  if (chance(r, p)) mix.guestPagingLevels = pick(r, [4, 5] as const);
  for (const id of STRATEGY_IDS) if (chance(r, 0.2)) st[id].enabled = chance(r, 0.5);
  if (chance(r, p)) st.S1.gup = chance(r, 0.5);
  if (chance(r, p)) st.S1.flushOnZap = chance(r, 0.5);
  if (chance(r, p)) st.S2.batchPages = Math.round(logUniform(r, 1, 600));
  if (chance(r, p)) st.S2.flushAfterUs = chance(r, 0.3) ? 0 : logUniform(r, 0.1, 1e5);
  if (chance(r, p)) st.S2.flush = pick(r, ['immediate', 'deferred', 'none'] as const);
  if (chance(r, p)) st.S2.keepPfnCacheRestored = chance(r, 0.5);
  if (chance(r, p)) st.S3.remoteFlush = pick(r, ['none', 'batched', 'broadcast'] as const);
  if (chance(r, p)) st.S4.switchPoint = pick(r, ['kvm_run', 'vcpu_load'] as const);
  if (chance(r, p)) st.hugeFolioRemoval = chance(r, 0.5);
  if (chance(r, p)) st.vmmAccess = pick(r, ['syscall', 'selective-mmap'] as const);
  if (chance(r, p)) st.selectiveMmapFraction = pick(r, [0, 1, r.nextUnit()]);
  if (chance(r, p)) s.simulation.durationSec = logUniform(r, 0.001, 100);
  // Drawn last (model 2.5.0), so every earlier draw stays the same.
  if (chance(r, p)) st.S2.flushRange = pick(r, ['eachPage', 'coveringRange', 'pageList'] as const);
  const valid = validateScenario(s);
  return valid.ok ? valid.value : undefined;
}

const presetCases = PRESETS.map((p) => ({ name: `preset ${p.id}`, scenario: p.scenario }));
const bench = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;
/** Points of the bench's sweep (MMIO rate), up to where the direct-map lock saturates. */
const sweepCases = [10, 1000, 20_000, 100_000, 1_000_000, 1e7].map((rate) => ({
  name: `sweep mmio-heavy-legacy mmio.ratePerSec=${rate}`,
  scenario: setParameter(bench, 'workload.touchpoints.mmio.ratePerSec', rate),
}));
const readableCases = [...presetCases, { name: 'hand', scenario: handScenario() }, ...sweepCases];
const RANDOM = 300;
const randomCases = Array.from({ length: RANDOM }, (_, seed) => ({ seed, scenario: randomScenario(seed) }));

function golden(): string {
  const pool = new Map<string, string[]>();
  const lines: string[] = [
    '# runAnalytic results (common/core/analytic.golden.test.ts); regenerate only for a model change',
  ];
  // Random scenarios' shared subtrees are hashed with them but not written out (mostly one-off cost tables).
  const textOf = (s: Scenario, breakdown: boolean, into = pool) => {
    const out: string[] = [];
    flatten(runAnalytic(s, breakdown ? {} : { breakdown: false }), '', out, into, POOLED);
    return out;
  };
  const hashOf = (text: string[]) => createHash('sha256').update(text.join('\n')).digest('hex');
  for (const c of readableCases) {
    lines.push('', `## ${c.name}`);
    lines.push(...textOf(c.scenario, true));
    lines.push(`metrics only: sha256 ${hashOf(textOf(c.scenario, false))}`);
  }
  lines.push('', `## ${RANDOM} random scenarios (seed: sha256 with breakdown, without)`);
  for (const c of randomCases)
    lines.push(
      c.scenario === undefined
        ? `${c.seed} invalid`
        : `${c.seed} ${hashOf(textOf(c.scenario, true, new Map()))} ${hashOf(textOf(c.scenario, false, new Map()))}`,
    );
  lines.push('', '## shared subtrees');
  for (const [hash, text] of [...pool.entries()].sort(([a], [b]) => a.localeCompare(b)))
    lines.push('', `@${hash}`, ...text);
  return lines.join('\n') + '\n';
}

describe('analytic results are pinned', () => {
  it('most random scenarios are valid (the generator reaches the formulas)', () => {
    const valid = randomCases.filter((c) => c.scenario !== undefined).length;
    expect(valid).toBeGreaterThan(RANDOM * 0.8);
  });

  it('every result, with and without the breakdown, is the one in fixtures/analytic-golden.txt', async () => {
    await expect(golden()).toMatchFileSnapshot('./fixtures/analytic-golden.txt');
  });

  it('does not change its input', () => {
    for (const c of [...readableCases, ...randomCases]) {
      if (c.scenario === undefined) continue;
      const before = structuredClone(c.scenario);
      runAnalytic(c.scenario);
      runAnalytic(c.scenario, { breakdown: false });
      expect(c.scenario).toStrictEqual(before);
    }
  });
});
