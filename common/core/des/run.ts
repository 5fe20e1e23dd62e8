// The discrete-event simulator over every enabled strategy and seed: mean and 95% confidence
// interval over seeds for every metric, latency percentiles and histograms per touchpoint.
import type { Estimate, LatencyDistribution, ResultFlag, RunOutput, StrategyId, StrategyResult } from '../api.ts';
import {
  BREAKDOWN_KEYS,
  formulaTermsForSimulation,
  overloadedFlag,
  pfnCacheRestoredShare,
  runAnalytic,
} from '../analytic.ts';
import { GmemlabError } from '../errors.ts';
import type { AttackerContext } from '../metrics.ts';
import type { Scenario } from '../scenario.ts';
import { enabledStrategies } from '../strategies.ts';
import { TOUCHPOINT_IDS } from '../touchpoints.ts';
import { MODEL_VERSION } from '../version.ts';
import { BUCKET_UPPER_US, estimateEvents, simulateSeed, type SeedStats } from './simulate.ts';

/** Most simulated events one run may take (all strategies and seeds), checked before it starts. */
export const MAX_EVENTS_PER_RUN = 200_000_000;

export class SimulationTooLargeError extends GmemlabError {
  constructor(message: string) {
    super('too_large', message);
  }
}

/** Throws, before anything runs, if the scenario would simulate more events than the cap. */
export function checkSimulationSize(s: Scenario): number {
  const total =
    enabledStrategies(s).reduce((sum, strategy) => sum + estimateEvents(s, strategy), 0) * s.simulation.seeds.length;
  if (total > MAX_EVENTS_PER_RUN) {
    throw new SimulationTooLargeError(
      `this run would simulate about ${Math.round(total / 1e6)} million events, over the limit of ${MAX_EVENTS_PER_RUN / 1e6} million: ` +
        'shorten simulation.durationSec, use fewer seeds or strategies, or lower the touchpoint and IRQ rates',
    );
  }
  return total;
}

// Two-sided 95% Student t quantiles for 1..30 degrees of freedom; 1.96 beyond.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function estimate(samples: number[]): Estimate {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci95: 0, n };
  const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, ci95: (T95[n - 2] ?? 1.96) * Math.sqrt(variance / n), n };
}

export interface DesHooks {
  /** Overall fraction done, 0..1; return true to cancel (checked every 65,536 events). */
  onProgress?: (fraction: number) => boolean | void;
}

export function runDes(s: Scenario, hooks: DesHooks = {}): RunOutput {
  checkSimulationSize(s);
  const hz = s.host.ghz * 1e9;
  const N = s.host.cpus;
  const V = s.vm.vcpus;
  const O = s.host.otherVmVcpus;
  const duration = s.simulation.durationSec;
  const guestPages = (s.vm.memoryGiB * 2 ** 30) / 4096;
  const strategies = enabledStrategies(s);
  const analytic = runAnalytic(s);
  const seeds = s.simulation.seeds;
  const jobs = strategies.length * seeds.length;
  let done = 0;

  const results: StrategyResult[] = strategies.map((strategy: StrategyId) => {
    const base = analytic.strategies.find((r) => r.strategy === strategy)!;
    const perSeed: SeedStats[] = seeds.map((seed) => {
      const stats = simulateSeed(s, strategy, seed, {
        progressEvery: 65_536,
        onProgress: (f) => hooks.onProgress?.((done + f) / jobs),
      });
      done++;
      hooks.onProgress?.(done / jobs);
      return stats;
    });
    // Terms the simulator does not simulate come from the formulas (deferred flushes, the split
    // direct map); everything else is measured, and the breakdown sums to the host total.
    const formula = formulaTermsForSimulation(s, strategy);
    const over = (f: (x: SeedStats) => number): Estimate => estimate(perSeed.map(f));
    const perVcpu = (x: SeedStats) => x.perVcpuExtraCycles + formula.perVcpu;
    const host = (x: SeedStats) => (V + O) * x.perVcpuExtraCycles + x.vmmExtraCycles + x.bystanderCycles + formula.host;
    const metrics: Record<string, Estimate> = { ...base.metrics };
    metrics['cost.cyclesPerSecPerVcpu'] = over(perVcpu);
    metrics['cost.overheadPct'] = over((x) => (100 * perVcpu(x)) / hz);
    metrics['cost.slowdownFactor'] = over((x) => 1 + perVcpu(x) / hz);
    metrics['cost.cyclesPerSecHost'] = over(host);
    metrics['cost.hostOverheadPct'] = over((x) => (100 * host(x)) / (N * hz));
    metrics['cost.bystanderIpisPerSec'] = over((x) => x.bystanderIpisPerSec);
    metrics['cost.lockUtilization'] = over((x) => x.lockBusyFraction);
    metrics['cost.receiverUtilization'] = over((x) => x.receiverBusyFraction);
    if (strategy !== 'S6') metrics['exposure.kvm.irqNmiWithGuestMappedPerSec'] = over((x) => x.irqWithGuestMapped);
    metrics['footprint.peakPagesMapped'] = over((x) => x.peakPagesMapped);
    // Pages reachable through stale TLB entries (a flush skipped or deferred): from the formulas,
    // as the analytic exposure counts them (the simulator does not follow other CPUs' TLBs), and
    // for as long as such an entry lives.
    const stale = base.metrics['exposure.kernel.staleTlbFraction']?.mean ?? 0;
    const staleLifeUs = stale > 0 ? formula.staleTlbLifeUs : 0;
    // Exposure of the on-demand mechanisms is measured where it is in windows; always- and
    // never-mapped contexts are exact. The longest window is the longest a page was mapped, or a
    // stale entry's life where the share counts those.
    const measured = (ctx: AttackerContext, fraction: (x: SeedStats) => number, staleUs = 0) => {
      const state = metrics[`exposure.${ctx}.state`]!.mean;
      if (state === 0) return;
      metrics[`exposure.${ctx}.fraction`] = over((x) => Math.min(1, fraction(x)));
      if (state === 1)
        metrics[`exposure.${ctx}.longestWindowUs`] = over((x) => Math.max(x.longestWindowSec * 1e6, staleUs));
    };
    const pageShare = (x: SeedStats) => x.mappedPageSeconds / (guestPages * duration) + stale;
    if (strategy === 'S2') {
      // Pages restored for the pfn caches' lifetime add to the windows (and make the state "always").
      const restored = pfnCacheRestoredShare(s);
      measured('kernel', (x) => pageShare(x) + restored, staleLifeUs);
      measured('kvm', (x) => pageShare(x) + restored, staleLifeUs);
    } else if (strategy === 'S3') {
      measured('kvm', pageShare, staleLifeUs);
      measured('kernel', pageShare, staleLifeUs);
    } else if (strategy === 'S4') {
      measured('kvm', (x) => x.anyHeldSeconds / duration);
      // The kernel at large only on the CPUs holding KVM's CR3.
      measured('kernel', (x) => x.heldCpuSeconds / duration / N);
    }
    const breakdown: Record<string, number> = {};
    for (let k = 0; k < BREAKDOWN_KEYS.length; k++) {
      const mean = perSeed.reduce((n, x) => n + x.breakdown[k]!, 0) / perSeed.length;
      if (mean !== 0) breakdown[BREAKDOWN_KEYS[k]!] = mean;
    }
    for (const [key, value] of Object.entries(formula.breakdown)) breakdown[key] = (breakdown[key] ?? 0) + value;
    const distributions: Record<string, LatencyDistribution> = {};
    for (const id of TOUCHPOINT_IDS) {
      const withEvents = perSeed.filter((x) => x.latency[id]!.count > 0);
      // No event in any seed: no latency to give (the formulas' mean stood here, with n 1 and no
      // CI, beside the simulated figures; model 2.9.1).
      if (withEvents.length === 0) {
        delete metrics[`latency.${id}.meanUs`];
        continue;
      }
      metrics[`latency.${id}.meanUs`] = estimate(withEvents.map((x) => x.latency[id]!.mean));
      metrics[`latency.${id}.p50Us`] = estimate(withEvents.map((x) => x.latency[id]!.p50));
      metrics[`latency.${id}.p99Us`] = estimate(withEvents.map((x) => x.latency[id]!.p99));
      metrics[`latency.${id}.maxUs`] = estimate(withEvents.map((x) => x.latency[id]!.max));
      const counts = BUCKET_UPPER_US.map((_, b) => withEvents.reduce((n, x) => n + x.latency[id]!.buckets[b]!, 0));
      distributions[id] = { bucketUpperUs: BUCKET_UPPER_US, counts };
    }
    return { ...base, metrics, distributions, breakdown, flags: desFlags(base.flags, metrics, perSeed, hz) };
  });
  return {
    modelVersion: MODEL_VERSION,
    method: 'des',
    seeds: [...seeds],
    costTable: analytic.costTable,
    strategies: results,
  };
}

/**
 * The formulas' flags but those of contention, which the simulation decides by what it measured
 * (model 2.9.1): the formulas' `saturated` and `overloaded` are the demand at the offered rates,
 * and where queues form the vCPUs slow down and offer less (mmio-heavy-legacy at 64 vCPUs, S2:
 * the formulas' lock 162% busy, measured 23%). A queue is saturated where its work booked comes
 * to the whole run or more (the lock, the receivers, the VMM's one thread: a backlog). A vCPU's
 * work is what it booked; exits still waiting at the end are said beside it.
 */
function desFlags(
  formulaFlags: ResultFlag[],
  metrics: Record<string, Estimate>,
  perSeed: SeedStats[],
  hz: number,
): ResultFlag[] {
  const contention = new Set(['saturated', 'overloaded', 'simulatorNeeded']);
  const flags = formulaFlags.filter((f) => !contention.has(f.code));
  const mean = (f: (x: SeedStats) => number): number => perSeed.reduce((n, x) => n + f(x), 0) / perSeed.length;
  const perVcpu = metrics['cost.cyclesPerSecPerVcpu']!.mean;
  if (perVcpu >= hz)
    flags.push(
      overloadedFlag(
        perVcpu,
        hz,
        mean((x) => x.vcpuBacklog),
      ),
    );
  const booked = (what: string, fraction: number, waiting = ''): void => {
    if (fraction >= 1)
      flags.push({
        code: 'saturated',
        message: `${what} never idle: work booked for ${(fraction * 100).toFixed(1)}% of the run${waiting}, so a backlog grows`,
      });
  };
  booked('the direct-map lock was', metrics['cost.lockUtilization']!.mean);
  booked('the shootdown receivers were', metrics['cost.receiverUtilization']!.mean);
  booked(
    'the VMM thread was',
    mean((x) => x.vmmBookedFraction),
    ` (${mean((x) => x.vmmBacklog).toFixed(0)} requests waiting at the end${perSeed.length > 1 ? ', the mean over seeds' : ''})`,
  );
  return flags;
}

/** Runs a scenario with the method it asks for. */
export function runScenario(s: Scenario, hooks: DesHooks = {}): RunOutput {
  return s.simulation.method === 'des' ? runDes(s, hooks) : runAnalytic(s);
}
