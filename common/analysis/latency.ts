// Latency distributions as a reader wants them (issue 17, item 7): percentiles (p50, p90, p99,
// p99.9) and the cumulative distribution, from the simulator's histograms per touchpoint
// (LatencyDistribution: bucket upper bounds in microseconds and counts). Pure, for the window
// and exports alike.
import {
  effectiveTouchpoints,
  validScenarioAt,
  type LatencyDistribution,
  type Point,
  type Scenario,
} from '../core/index.ts';

/**
 * The touchpoints with events at a point of a stored scenario, as the model charges them (a gated
 * one, nested TDP without vm.nested, has none): the latency of a touchpoint without events is
 * what one event would take, which nothing paid, and tables leave it out. The scenario is
 * validated first (a revision saved by an older model lacks newer fields, which validation fills
 * in). Undefined where the point does not apply to it or it is not valid: nothing is left out.
 */
export function touchpointsWithEvents(scenario: Scenario, point: Point = {}): Set<string> | undefined {
  const at = validScenarioAt(scenario, point);
  if (at === undefined) return undefined;
  return new Set(
    effectiveTouchpoints(at)
      .tps.filter((t) => t.ratePerSec > 0)
      .map((t) => t.id),
  );
}

/** The touchpoint a latency metric is of ('latency.mmio.meanUs': 'mmio'); undefined for other metrics. */
export function latencyTouchpoint(key: string): string | undefined {
  const [group, touchpoint] = key.split('.');
  return group === 'latency' ? touchpoint : undefined;
}

/**
 * The touchpoints with events at the point whose latency simulated runs do not give: none of
 * their events came in the simulated time of any seed (kvmclock's one a second in 0.02 s).
 * [] for the formulas' runs, which give every latency.
 */
export function unsimulatedTouchpoints(
  scenario: Scenario,
  point: Point,
  method: string,
  runs: readonly { metrics: Record<string, unknown> }[],
): string[] {
  if (method !== 'des' || runs.length === 0) return [];
  const withEvents = touchpointsWithEvents(scenario, point);
  if (withEvents === undefined) return [];
  const carried = new Set(runs.flatMap((r) => Object.keys(r.metrics)).map(latencyTouchpoint));
  return [...withEvents].filter((tp) => !carried.has(tp));
}

/** What a view says of unsimulatedTouchpoints, given their names. */
export function unsimulatedWords(names: readonly string[]): string {
  return `No latency for ${names.join(', ')}: none of their events came in the simulated time (raise simulation.durationSec for them).`;
}

/** The percentiles a latency chart shows, as fractions, with their names. */
export const PERCENTILES = [
  { q: 0.5, label: 'p50' },
  { q: 0.9, label: 'p90' },
  { q: 0.99, label: 'p99' },
  { q: 0.999, label: 'p99.9' },
] as const;

function total(d: LatencyDistribution): number {
  return d.counts.reduce((a, b) => a + b, 0);
}

/**
 * The latency below which a share `q` (0..1) of the events fall, read from the histogram: the
 * bucket where the cumulative count reaches q × total, interpolated linearly inside it (from
 * the previous bucket's upper bound, or 0 for the first). Undefined for an empty histogram.
 */
export function histogramQuantile(d: LatencyDistribution, q: number): number | undefined {
  const n = total(d);
  if (n === 0) return undefined;
  const target = Math.min(Math.max(q, 0), 1) * n;
  let before = 0;
  for (let i = 0; i < d.counts.length; i++) {
    const count = d.counts[i] ?? 0;
    if (count > 0 && before + count >= target) {
      const lower = i === 0 ? 0 : (d.bucketUpperUs[i - 1] ?? 0);
      const upper = d.bucketUpperUs[i]!;
      return lower + (upper - lower) * ((target - before) / count);
    }
    before += count;
  }
  return d.bucketUpperUs[d.bucketUpperUs.length - 1];
}

/**
 * The cumulative share of events at or below each bucket's upper bound, trimmed to the data:
 * from 0 at the lower edge of the first bucket that holds an event (the previous bucket's upper
 * bound; half the first bound for the first bucket, so a log axis can place it) to the first
 * bucket where every event is counted.
 */
export function histogramCdf(d: LatencyDistribution): { x: number; y: number }[] {
  const n = total(d);
  if (n === 0) return [];
  const first = d.counts.findIndex((c) => c > 0);
  const out: { x: number; y: number }[] = [
    { x: first === 0 ? d.bucketUpperUs[0]! / 2 : d.bucketUpperUs[first - 1]!, y: 0 },
  ];
  let sum = 0;
  for (let i = 0; i < d.counts.length; i++) {
    sum += d.counts[i] ?? 0;
    if (i < first) continue;
    out.push({ x: d.bucketUpperUs[i]!, y: sum / n });
    if (sum >= n) break;
  }
  return out;
}
