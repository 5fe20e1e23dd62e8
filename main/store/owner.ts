// Which process is executing an experiment. Several gmemlab processes may share one database
// (the window and a CLI run, say); crash recovery at start-up must only mark the runs of a
// process that is gone, never those another live process is still computing.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Start time of a process in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may contain spaces, so count from its closing paren.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** 'host:pid:start' for this process ('host:pid:' where the start time cannot be read). */
export function currentOwner(): string {
  return `${hostname()}:${process.pid}:${startTime(process.pid) ?? ''}`;
}

/** Whether the owning process is still running. Unknown or foreign owners count as gone. */
export function ownerAlive(owner: string | null): boolean {
  if (owner === null) return false;
  const m = /^(.*):(\d+):(\d*)$/.exec(owner);
  if (m === null || m[1] !== hostname()) return false;
  const pid = Number(m[2]);
  if (pid === process.pid) return owner === currentOwner();
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EPERM') return false;
  }
  // A live pid with another start time is a different process that reused the number.
  const recorded = m[3];
  return recorded === '' || startTime(pid) === undefined || startTime(pid) === recorded;
}
