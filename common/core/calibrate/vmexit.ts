// kvm-unit-tests x86/vmexit.flat output. Format from x86/vmexit.c (do_test, kvm-unit-tests
// commit 1da1819e): one `NAME CYCLES` line per test, the TSC cycles of one iteration
// (`printf("%s %d\n", test->name, (t2 - t1) / iterations)`); `  ipi NAME N` / `  eoi NAME N`
// sub-lines for the part spent sending the IPI or in EOI; `NAME (skipped)` when the guest lacks
// the feature. Around them: the x86/run command line, `enabling apic`, `cr0 = ...`,
// `PM timer port is ...`, `pci-testdev at ...`, which say nothing about costs.
import { CalibrationError, type MappedFigure, type UnusedFigure } from './types.ts';

/** Every test vmexit.c defines (tests[] at 1da1819e); other names are listed back as unknown. */
export const VMEXIT_TESTS = [
  'cpuid',
  'vmcall',
  'wbinvd',
  'invd',
  'mov_from_cr8',
  'mov_to_cr8',
  'inl_from_pmtimer',
  'inl_from_qemu',
  'inl_from_kernel',
  'outl_to_kernel',
  'mov_dr',
  'tscdeadline_immed',
  'tscdeadline',
  'self_ipi_sti_nop',
  'self_ipi_sti_hlt',
  'self_ipi_tpr',
  'self_ipi_tpr_sti_nop',
  'self_ipi_tpr_sti_hlt',
  'x2apic_self_ipi_sti_nop',
  'x2apic_self_ipi_sti_hlt',
  'x2apic_self_ipi_tpr',
  'x2apic_self_ipi_tpr_sti_nop',
  'x2apic_self_ipi_tpr_sti_hlt',
  'ipi',
  'ipi_halt',
  'ple_round_robin',
  'wr_kernel_gs_base',
  'wr_tsx_ctrl_msr',
  'wr_ibrs_msr',
  'wr_ibpb_msr',
  'wr_tsc_adjust_msr',
  'rd_tsc_adjust_msr',
  'toggle_cr0_wp',
  'toggle_cr4_pge',
  'pci-mem',
  'pci-io',
] as const;

export interface VmexitRun {
  /** Cycles per iteration, by test name, in the order printed. */
  tests: { name: string; cycles: number }[];
  /** `  ipi NAME N` and `  eoi NAME N` lines. */
  parts: { part: 'ipi' | 'eoi'; name: string; cycles: number }[];
  skipped: string[];
  /** The column read, when the output was a comparison table. */
  column?: string;
}

const RESULT = /^\s*([a-z0-9_-]+) (\d{1,12})\s*$/;
const PART = /^\s*(ipi|eoi) ([a-z0-9_-]+) (\d{1,12})\s*$/;
const SKIPPED = /^\s*([a-z0-9_-]+) \(skipped\)\s*$/;
// A comparison table as posted in cover letters: `NAME  BEFORE  AFTER` under an optional heading
// line naming the columns, or `NAME: BEFORE -> AFTER  PCT%`. Figures may carry decimals (averages).
const COMPARISON = /^\s*([a-z0-9_-]+):?\s+(\d+(?:\.\d+)?)\s+(?:->\s+)?(\d+(?:\.\d+)?)(?:\s+-?\d+(?:\.\d+)?%)?\s*$/;
const ARROW = /->/;
const HEADING = /^\s+([A-Za-z][\w-]*)\s+([A-Za-z][\w-]*)\s*$/;
const known = (name: string): boolean => (VMEXIT_TESTS as readonly string[]).includes(name);

/** Whether the text looks like vmexit output (at least one known test with a figure or skipped). */
export function looksLikeVmexit(text: string): boolean {
  return text.split(/\r?\n/).some((line) => {
    const m = RESULT.exec(line) ?? SKIPPED.exec(line) ?? COMPARISON.exec(line);
    return m !== null && known(m[1]!);
  });
}

/** A two-column comparison table's column names: its heading line's, or before/after. */
function comparisonColumns(lines: string[]): [string, string] {
  for (const line of lines) {
    const h = HEADING.exec(line);
    if (h !== null && !known(h[1]!)) return [h[1]!.toLowerCase(), h[2]!.toLowerCase()];
  }
  return ['before', 'after'];
}

/**
 * Reads one run's output. A comparison table (two figures per test, e.g. before and after a
 * patch, as cover letters post them) is read as the run of the column `column` names (a heading
 * word, or 1 or 2); without one it is refused, naming its columns. Throws CalibrationError
 * naming the file on no figures, an unknown column, or a test that appears twice.
 */
export function parseVmexit(file: string, text: string, column?: string): VmexitRun {
  const run: VmexitRun = { tests: [], parts: [], skipped: [] };
  const lines = text.split(/\r?\n/);
  const comparison: { name: string; figures: [number, number]; arrow: boolean }[] = [];
  for (const line of lines) {
    const part = PART.exec(line);
    if (part !== null) {
      run.parts.push({ part: part[1] as 'ipi' | 'eoi', name: part[2]!, cycles: Number(part[3]) });
      continue;
    }
    const result = RESULT.exec(line);
    if (result !== null && known(result[1]!)) {
      run.tests.push({ name: result[1]!, cycles: Number(result[2]) });
      continue;
    }
    const skipped = SKIPPED.exec(line);
    if (skipped !== null && known(skipped[1]!)) {
      run.skipped.push(skipped[1]!);
      continue;
    }
    const cmp = COMPARISON.exec(line);
    if (cmp !== null && known(cmp[1]!))
      comparison.push({ name: cmp[1]!, figures: [Number(cmp[2]), Number(cmp[3])], arrow: ARROW.test(line) });
  }
  if (run.tests.length === 0 && comparison.length > 0) {
    const columns = comparison.some((c) => c.arrow)
      ? (['before', 'after'] as [string, string])
      : comparisonColumns(lines);
    if (column === undefined || column.trim() === '')
      throw new CalibrationError(
        `${file}: this is a comparison table (two figures per vmexit test: ${columns.join(', ')}), not the output of one run of x86/vmexit.flat: choose the run to read with --column ${columns.join('|')} (in the window: Column), or give the output of one run`,
      );
    const wanted = column.trim().toLowerCase();
    const index = wanted === '1' ? 0 : wanted === '2' ? 1 : columns.indexOf(wanted);
    if (index < 0)
      throw new CalibrationError(`${file}: the table has no column "${column}"; its columns are ${columns.join(', ')}`);
    for (const c of comparison) {
      if (run.tests.some((t) => t.name === c.name))
        throw new CalibrationError(
          `${file}: "${c.name}" appears more than once (the file holds several tables): give one table`,
        );
      run.tests.push({ name: c.name, cycles: c.figures[index as 0 | 1] });
    }
    run.column = columns[index]!;
    return run;
  }
  if (run.tests.length === 0) throw new CalibrationError(`${file}: no vmexit test figures ("cpuid 1234" lines) found`);
  return run;
}

/**
 * The mapping rules for vmexit (docs/calibration.md, "kvm-unit-tests vmexit"). Figures are TSC
 * cycles per iteration; the model's cycles are the same unit to within the TSC/core clock ratio.
 *
 * - cpuid -> vmExitRoundTrip: a full exit and re-entry with the cheapest handling KVM has (CPUID
 *   is emulated in the kernel and touches no guest memory). Run inside a guest, the same test
 *   measures a nested exit (L2 -> L0 -> L1); the kit runs it on the host.
 * - inl_from_qemu - inl_from_kernel: both are one port read; the first is handled by QEMU
 *   (KVM_RUN returns to userspace), the second inside KVM. The difference is the trip out to the
 *   VMM and back, plus QEMU's dispatch: listed, since model 2 has no entry for it (it is the same
 *   under every strategy).
 * - ipi, ipi_halt: a guest IPI round trip between two vCPUs (ICR write exit, delivery, wake-up,
 *   the other vCPU's handler). Not a host TLB shootdown: listed, not used for shootdown* or
 *   ipiReceiveWork.
 * - every other test: an exit whose handling the model does not cost separately; listed.
 */
export function mapVmexit(file: string, run: VmexitRun): { mapped: MappedFigure[]; unused: UnusedFigure[] } {
  const mapped: MappedFigure[] = [];
  const unused: UnusedFigure[] = [];
  const byName = new Map(run.tests.map((t) => [t.name, t.cycles]));
  const of = run.column === undefined ? '' : ` (column ${run.column})`;
  const figure = (name: string, cycles: number) => ({
    file,
    figure: `vmexit ${name}${of}`,
    value: cycles,
    unit: 'cycles',
  });
  const used = new Set<string>();
  const cpuid = byName.get('cpuid');
  if (cpuid !== undefined) {
    used.add('cpuid');
    mapped.push({
      ...figure('cpuid', cpuid),
      key: 'vmExitRoundTrip',
      cycles: cpuid,
      low: cpuid,
      high: cpuid,
      onlineCpus: null,
      rule: 'vmexit cpuid: a full exit and re-entry with the cheapest in-kernel handling (CPUID emulation)',
    });
  }
  const qemu = byName.get('inl_from_qemu');
  const kernel = byName.get('inl_from_kernel');
  if (qemu !== undefined && kernel !== undefined) {
    used.add('inl_from_qemu').add('inl_from_kernel');
    const diff = qemu - kernel;
    // Model 2 costs no return to userspace (it is the same under every strategy): the figure is
    // listed, with what it measures.
    unused.push({
      file,
      figure: `vmexit inl_from_qemu - inl_from_kernel${of}`,
      value: diff,
      unit: 'cycles',
      reason:
        diff > 0
          ? 'the return to userspace and back (with QEMU dispatch; an upper bound): no cost entry of model 2 holds it, as it is the same under every strategy'
          : `inl_from_qemu (${qemu}) is not above inl_from_kernel (${kernel}): no userspace round trip can be read from them`,
    });
  } else if (qemu !== undefined || kernel !== undefined) {
    const name = qemu !== undefined ? 'inl_from_qemu' : 'inl_from_kernel';
    used.add(name);
    unused.push({
      ...figure(name, (qemu ?? kernel)!),
      reason: 'the userspace exit round trip needs both inl_from_qemu and inl_from_kernel from the same run',
    });
  }
  for (const t of run.tests) {
    if (used.has(t.name)) continue;
    const reason =
      t.name === 'ipi' || t.name === 'ipi_halt'
        ? 'a guest IPI round trip between two vCPUs (ICR write exit, delivery, wake-up), not a host TLB shootdown: it does not measure shootdownBase, shootdownPerTarget or ipiReceiveWork'
        : t.name.includes('self_ipi')
          ? "a guest's IPI to itself (APIC virtualization path); the model costs no guest IPIs"
          : t.name === 'vmcall'
            ? 'a hypercall exit; vmExitRoundTrip is taken from cpuid (the same path with the cheapest handling)'
            : 'an exit whose handling the model does not cost separately (vmExitRoundTrip is taken from cpuid)';
    unused.push({ ...figure(t.name, t.cycles), reason });
  }
  for (const p of run.parts)
    unused.push({
      file,
      figure: `vmexit ${p.part} part of ${p.name}`,
      value: p.cycles,
      unit: 'cycles',
      reason: `the ${p.part === 'ipi' ? 'IPI-sending' : 'EOI'} part of a guest IPI test, not a host shootdown`,
    });
  for (const name of run.skipped)
    unused.push({
      file,
      figure: `vmexit ${name}`,
      value: null,
      unit: 'cycles',
      reason: 'skipped by the test (the guest lacks the feature)',
    });
  return { mapped, unused };
}
