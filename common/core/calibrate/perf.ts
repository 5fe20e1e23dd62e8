// `perf kvm stat report` for calibration: the table is read by the one perf parser
// (../perf-import.ts); here each exit's average time is read for what it is.
//
// Rule (docs/calibration.md, "perf kvm stat"): perf times the host between the kvm_exit and
// kvm_entry tracepoints. That excludes the hardware exit and entry themselves (so it is not
// vmExitRoundTrip), and for exits KVM hands to the VMM it includes the VMM's own handling (so it
// is not userspaceExitRoundTrip either); no cost entry is a per-exit handling time. Every row is
// listed back with that reason; the rates stay what `gmemlab import-perf` uses the report for.
import { parsePerfKvmStat, PerfImportError } from '../perf-import.ts';
import { CalibrationError, type UnusedFigure } from './types.ts';

export const looksLikePerfKvmStat = (text: string): boolean =>
  /^\s*(VM-EXIT|IO Port Access|MMIO Access|MSR Access)\s+Samples/m.test(text);

const reasonFor = (exit: string): string => {
  const n = exit.toUpperCase();
  if (n === 'EXTERNAL_INTERRUPT')
    return 'host interrupts of every kind while the guest ran (timer, devices, IPIs): not the work one shootdown IPI costs its receiver';
  if (['EPT_MISCONFIG', 'IO_INSTRUCTION', 'IOIO', 'DABT_LOW', 'NPF', 'EPT_VIOLATION'].includes(n))
    return "KVM's (and possibly the VMM's) handling of this exit, between kvm_exit and kvm_entry; the model costs only the guest-memory access each strategy adds, not exit handling";
  return 'host time between kvm_exit and kvm_entry: without the hardware exit and entry (not vmExitRoundTrip) and no cost entry is a per-exit handling time';
};

export function mapPerfKvmStat(file: string, text: string): { unused: UnusedFigure[] } {
  let report;
  try {
    report = parsePerfKvmStat(text);
  } catch (err) {
    if (err instanceof PerfImportError) throw new CalibrationError(`${file}: ${err.message}`);
    throw err;
  }
  return {
    unused: report.rows.map((row) => ({
      file,
      figure: `perf kvm stat ${row.name} avg`,
      value: row.avgUs,
      unit: 'us',
      reason: reasonFor(row.name),
    })),
  };
}
