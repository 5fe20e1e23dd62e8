// KVM selftests demand_paging_test output (tools/testing/selftests/kvm/demand_paging_test.c).
// It prints `Testing guest mode: ..., 4K pages`, `guest physical test memory: [START, END)`
// (memstress, all vCPUs' memory), `Total guest execution time: S.NNNNNNNNNs` and
// `Overall demand paging rate: R pgs/sec` (newer builds also `Per-vcpu demand paging rate`).
//
// The printed rate is not trusted: builds before Linux 6.4 (fixed by "KVM: selftests: Fix nsec
// to sec conversion in demand_paging_test", Anish Moorthy, Feb 2023, kvm-x86 commit f6baabdcadd1,
// lore.kernel.org/kvm/20230223001805.2971237-1-amoorthy@google.com) divided the nanoseconds by 1E8, so
// their rate is ~10x too low. gmemlab recomputes the rate from pages (test memory / page size)
// and time, and says when the printed figure disagrees.
import { clockOf, NEEDS_CLOCK } from './facts.ts';
import { CalibrationError, type HostFacts, type MappedFigure, type UnusedFigure } from './types.ts';

export interface DemandPagingRun {
  pageBytes: number;
  /** Test memory of all vCPUs, from the memstress range line; null when the build prints no range. */
  memoryBytes: number | null;
  seconds: number;
  printedRate: number | null;
  printedPerVcpuRate: number | null;
  /** Parsed from the command line when the file carries it (the kit records it; posters often paste it). */
  command: { vcpus: number; uffd: string | null } | null;
  /** Run by the kselftest runner, which passes no options: 1 vCPU, no userfaultfd. */
  kselftestRunner: boolean;
}

const MODE = /Testing guest mode:.*?(\d+)([KMG]) pages/;
const RANGE = /guest physical test memory:\s*\[0x([0-9a-f]+),\s*0x([0-9a-f]+)\)/i;
const TIME = /Total guest execution time:\s*(\d+)\.(\d{1,9})s/;
const RATE = /Overall demand paging rate:\s*([\d.]+) pgs\/sec/;
const PER_VCPU = /Per-vcpu demand paging rate:\s*([\d.]+) pgs\/sec\/vcpu/;
const COMMAND = /(?:^|\s|\/)demand_paging_test((?:\s+\S+)*)\s*$/;
const UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

export const looksLikeDemandPaging = (text: string): boolean =>
  /demand paging rate|demand_paging_test/.test(text) && TIME.test(text);

function parseCommand(line: string): { vcpus: number; uffd: string | null } | null {
  const m = COMMAND.exec(line.trim());
  if (m === null) return null;
  const args = m[1]!.trim().split(/\s+/).filter(Boolean);
  let vcpus = 1;
  let uffd: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-v' && /^\d+$/.test(args[i + 1] ?? '')) vcpus = Number(args[++i]);
    else if (args[i] === '-u' && args[i + 1] !== undefined) uffd = args[++i]!;
    else if (/^-v\d+$/.test(args[i]!)) vcpus = Number(args[i]!.slice(2));
  }
  return { vcpus: Math.max(1, vcpus), uffd };
}

export function parseDemandPaging(file: string, text: string, facts: HostFacts): DemandPagingRun {
  const mode = MODE.exec(text);
  const time = TIME.exec(text);
  if (mode === null || time === null)
    throw new CalibrationError(
      `${file}: demand_paging_test output needs its "Testing guest mode: ... pages" and "Total guest execution time" lines`,
    );
  const pageBytes = Number(mode[1]) * UNIT[mode[2]!]!;
  const range = RANGE.exec(text);
  const memoryBytes = range === null ? null : Number(BigInt(`0x${range[2]}`) - BigInt(`0x${range[1]}`));
  const seconds = Number(time[1]) + Number(time[2]!.padEnd(9, '0')) / 1e9;
  if (!(seconds > 0)) throw new CalibrationError(`${file}: the total guest execution time is zero`);
  const rate = RATE.exec(text);
  const perVcpu = PER_VCPU.exec(text);
  const commandLine =
    facts.command ?? text.split(/\r?\n/).find((l) => COMMAND.test(l.trim()) && !l.includes('selftests:')) ?? null;
  return {
    pageBytes,
    memoryBytes: memoryBytes !== null && memoryBytes > 0 ? memoryBytes : null,
    seconds,
    printedRate: rate === null ? null : Number(rate[1]),
    printedPerVcpuRate: perVcpu === null ? null : Number(perVcpu[1]),
    command: commandLine === null ? null : parseCommand(commandLine),
    kselftestRunner: /selftests: kvm: demand_paging_test/.test(text),
  };
}

/**
 * Rule (docs/calibration.md, "demand_paging_test"): every vCPU faults in its own pages one after
 * another, so one fault takes seconds / (pages / vCPUs). With userfaultfd (-u MISSING or MINOR)
 * that is a whole demand-paging round trip (guest fault, KVM, the handler thread's UFFDIO_COPY or
 * UFFDIO_CONTINUE, wake-up) -> userfaultRoundTrip. Without -u it is KVM's own fault-in of
 * anonymous memory, which no cost entry holds: listed.
 */
export function mapDemandPaging(
  file: string,
  run: DemandPagingRun,
  facts: HostFacts,
  userGhz: number | null,
): { mapped: MappedFigure[]; unused: UnusedFigure[] } {
  const unused: UnusedFigure[] = [];
  const timeFigure = { file, figure: 'demand_paging_test total guest execution time', value: run.seconds, unit: 's' };
  if (run.memoryBytes === null) {
    unused.push({
      ...timeFigure,
      reason:
        'this build prints no test memory range, so the page count (and whether its printed rate has the 1E8 bug) cannot be known',
    });
    return { mapped: [], unused };
  }
  const pages = run.memoryBytes / run.pageBytes;
  const rate = pages / run.seconds;
  if (run.printedRate !== null && Math.abs(run.printedRate - rate) / rate > 0.01) {
    unused.push({
      file,
      figure: 'demand_paging_test printed overall rate',
      value: run.printedRate,
      unit: 'pages/s',
      reason: `disagrees with pages / time = ${rate.toFixed(0)} pages/s${Math.abs(run.printedRate * 10 - rate) / rate < 0.05 ? ' (an old build that divides nanoseconds by 1E8)' : ''}; the recomputed rate is used`,
    });
  }
  const who =
    run.command !== null
      ? { vcpus: run.command.vcpus, uffd: run.command.uffd }
      : run.kselftestRunner
        ? { vcpus: 1, uffd: null }
        : null;
  const vcpus =
    who?.vcpus ??
    (run.printedPerVcpuRate !== null && run.printedRate !== null && run.printedPerVcpuRate > 0
      ? Math.round(run.printedRate / run.printedPerVcpuRate)
      : null);
  const rateFigure = { file, figure: 'demand_paging_test pages / time', value: rate, unit: 'pages/s' };
  if (who === null || vcpus === null) {
    unused.push({
      ...rateFigure,
      reason:
        'the file does not say how the test ran (its command line: -u for userfaultfd, -v for vCPUs); the kit records it',
    });
    return { mapped: [], unused };
  }
  const faultSec = run.seconds / (pages / vcpus);
  if (who.uffd === null) {
    unused.push({
      ...rateFigure,
      reason: `run without userfaultfd (-u): ${(faultSec * 1e6).toFixed(2)} us per fault is KVM's own fault-in of anonymous memory, which no cost entry holds`,
    });
    return { mapped: [], unused };
  }
  const ghz = clockOf(facts, userGhz);
  if (ghz === null) {
    unused.push({ ...rateFigure, reason: NEEDS_CLOCK });
    return { mapped: [], unused };
  }
  const cycles = faultSec * 1e9 * ghz;
  return {
    mapped: [
      {
        ...rateFigure,
        key: 'userfaultRoundTrip',
        cycles,
        low: cycles,
        high: cycles,
        onlineCpus: null,
        rule: `userfaultfd (-u ${who.uffd}), ${vcpus} vCPU(s): one fault = time / (pages / vCPUs) = ${(faultSec * 1e6).toFixed(2)} us, at ${ghz} GHz`,
      },
    ],
    unused,
  };
}
