// Shapes shared by the calibration parsers, the mapping rules and the host profile
// (docs/calibration.md). Pure: text in, figures out; hashing and storage live in main.

/** The tools whose output gmemlab can calibrate from. */
export const CALIBRATION_SOURCE_KINDS = [
  'kvm-unit-tests-vmexit',
  'kvm-demand-paging-test',
  'perf-kvm-stat',
  'latency-histogram',
] as const;
export type CalibrationSourceKind = (typeof CALIBRATION_SOURCE_KINDS)[number];

/** One file handed to calibration: its name (for messages), its text, and its SHA-256 when main knows it. */
export interface CalibrationFile {
  name: string;
  text: string;
  sha256?: string;
}

/**
 * What the file says about the host it ran on. The measurement kit (measure/) writes these as
 * `# key: value` lines at the top of every file; published outputs usually carry none.
 */
export interface HostFacts {
  hostName: string | null;
  cpuModel: string | null;
  onlineCpus: number | null;
  /** TSC frequency in MHz: the clock that converts the kit's nanoseconds into the model's cycles. */
  tscMhz: number | null;
  kernel: string | null;
  /** When it was measured (ISO), as the kit recorded it. */
  date: string | null;
  tool: string | null;
  /** The command line that produced the output (demand_paging_test options matter). */
  command: string | null;
}

/** A figure read from a file, as the tool printed it. */
export interface Figure {
  file: string;
  /** What the figure is, e.g. `vmexit cpuid` or `flush_tlb_kernel_range (1 page)`. */
  figure: string;
  value: number;
  unit: string;
}

/** A figure that measures a cost entry, with the rule that says how (docs/calibration.md). */
export interface MappedFigure extends Figure {
  key: string;
  /** The figure in the cost entry's unit (cycles). */
  cycles: number;
  /** Spread of the figure in cycles (histogram p10..p90; the value itself for a single number). */
  low: number;
  high: number;
  /** Online CPUs when measured, for figures that depend on it (a flush against every online CPU). */
  onlineCpus: number | null;
  rule: string;
}

/** A figure gmemlab read but cannot use, and why: listed back, never dropped. */
export interface UnusedFigure extends Omit<Figure, 'value'> {
  /** null for a test that printed no figure (skipped). */
  value: number | null;
  reason: string;
}

export class CalibrationError extends Error {
  override name = 'CalibrationError';
}

/** What one file yields. */
export interface ParsedSource {
  file: string;
  kind: CalibrationSourceKind;
  sha256: string | null;
  facts: HostFacts;
  /** Figures that measure a cost entry. */
  mapped: MappedFigure[];
  unused: UnusedFigure[];
}
