// One section of BENCHMARKS.md. Each bench module measures one thing on this machine and
// reports figures; bench/run.ts runs them all and writes the file with the command and machine.
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The target the issue sets, in words (e.g. '< 100 ms'); '' when there is none. */
  target: string;
  /** Whether the figure meets the target (undefined when there is none). */
  met?: boolean;
}

export interface BenchSection {
  title: string;
  /** How the figure was measured, one or two sentences. */
  method: string;
  rows: BenchRow[];
}

export type Bench = () => Promise<BenchSection>;
