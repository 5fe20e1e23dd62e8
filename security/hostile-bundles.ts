// Generators of large bundle files, hostile and legitimate, for the bundle-limit tests and the
// attack script. Each writes its file piece by piece, so the writer never holds the whole text.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

const HEAD =
  '{"format":"gmemlab/bundle@1","exportedAt":"2026-01-01T00:00:00Z","modelVersions":[],"scenarios":[],"costTables":[],';

function repeatInto(fd: number, item: string, count: number): void {
  const perChunk = Math.max(1, Math.floor((1 << 20) / (item.length + 1)));
  const chunk = Array.from({ length: perChunk }, () => item).join(',');
  let left = count;
  let first = true;
  while (left > 0) {
    const n = Math.min(perChunk, left);
    writeSync(fd, (first ? '' : ',') + (n === perChunk ? chunk : Array.from({ length: n }, () => item).join(',')));
    first = false;
    left -= n;
  }
}

function experimentHead(runsJsonStart: string): string {
  return `{"uid":"${randomUUID()}","name":"hostile","kind":"sweep","method":"analytic","scenarioId":"${'0'.repeat(64)}","sweep":null,"status":"done","createdAt":"2026-01-01T00:00:00Z","finishedAt":null,"note":"","tags":[],"runs":${runsJsonStart}`;
}

/** One experiment whose runs are `count` numbers instead of objects (the 60 MB bundle at 30 million). */
export function writeWrongTypedRunsBundle(path: string, count: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${HEAD}"experiments":[${experimentHead('[')}`);
    repeatInto(fd, '1', count);
    writeSync(fd, ']}]}');
  } finally {
    closeSync(fd);
  }
}

/** `experiments` experiments of `runsEach` wrong-typed runs each: under every count limit, all wrong. */
export function writeManyBadRunsBundle(path: string, experiments: number, runsEach: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${HEAD}"experiments":[`);
    for (let i = 0; i < experiments; i++) {
      writeSync(fd, `${i === 0 ? '' : ','}${experimentHead('[')}`);
      repeatInto(fd, '{"strategy":"S0","point":"x"}', runsEach);
      writeSync(fd, ']}');
    }
    writeSync(fd, ']}');
  } finally {
    closeSync(fd);
  }
}

/** One run that is a single string of `bytes` characters: one item past MAX_BUNDLE_ITEM_BYTES. */
export function writeHugeItemBundle(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${HEAD}"experiments":[${experimentHead('["')}`);
    const chunk = 'a'.repeat(1 << 20);
    for (let left = bytes; left > 0; left -= chunk.length)
      writeSync(fd, left >= chunk.length ? chunk : chunk.slice(0, left));
    writeSync(fd, '"]}]}');
  } finally {
    closeSync(fd);
  }
}

/** A legitimate bundle: the experiments of a real exported bundle, copied `copies` times under new uids. */
export function writeReplicatedBundle(path: string, sourceBundle: string, copies: number): number {
  const source = JSON.parse(readFileSync(sourceBundle, 'utf8')) as {
    experiments: { uid: string; runs: unknown[] }[];
  } & Record<string, unknown>;
  const fd = openSync(path, 'w');
  let runs = 0;
  try {
    const { experiments, ...rest } = source;
    writeSync(fd, JSON.stringify(rest).slice(0, -1) + ',"experiments":[');
    let first = true;
    for (let c = 0; c < copies; c++)
      for (const e of experiments) {
        writeSync(fd, (first ? '' : ',') + JSON.stringify({ ...e, uid: randomUUID() }));
        runs += e.runs.length;
        first = false;
      }
    writeSync(fd, ']}');
  } finally {
    closeSync(fd);
  }
  return runs;
}
