// The `# key: value` header the measurement kit (measure/run.sh) writes at the top of every file,
// and the conversions every parser shares.
import type { HostFacts } from './types.ts';

const FACT = /^#\s*(host|cpu|online_cpus|tsc_mhz|kernel|date|tool|command):\s*(.*?)\s*$/;

/** Reads the kit's header lines wherever they are; a file without them gives all nulls. */
export function readHostFacts(text: string): HostFacts {
  const facts: HostFacts = {
    hostName: null,
    cpuModel: null,
    onlineCpus: null,
    tscMhz: null,
    kernel: null,
    date: null,
    tool: null,
    command: null,
  };
  for (const line of text.split(/\r?\n/, 200)) {
    const m = FACT.exec(line);
    if (m === null || m[2] === '') continue;
    const value = m[2]!.slice(0, 300);
    switch (m[1]) {
      case 'host':
        facts.hostName = value;
        break;
      case 'cpu':
        facts.cpuModel = value;
        break;
      case 'online_cpus': {
        const n = Number(value);
        if (Number.isInteger(n) && n >= 1 && n <= 8192) facts.onlineCpus = n;
        break;
      }
      case 'tsc_mhz': {
        const n = Number(value);
        if (Number.isFinite(n) && n >= 100 && n <= 10_000) facts.tscMhz = n;
        break;
      }
      case 'kernel':
        facts.kernel = value;
        break;
      case 'date':
        facts.date = value;
        break;
      case 'tool':
        facts.tool = value;
        break;
      case 'command':
        facts.command = value;
        break;
    }
  }
  return facts;
}

/** Nanoseconds to cycles at the host's clock, or null when the clock is unknown. */
export function nsToCycles(ns: number, ghz: number | null): number | null {
  return ghz === null ? null : ns * ghz;
}

/** The clock a file's time figures convert at: the kit's TSC frequency, else the one the user gave. */
export function clockOf(facts: HostFacts, userGhz: number | null): number | null {
  return facts.tscMhz !== null ? facts.tscMhz / 1000 : userGhz;
}

export const NEEDS_CLOCK =
  'a time needs the host clock to become cycles: the file carries none (the kit records tsc_mhz); give it with --ghz';
