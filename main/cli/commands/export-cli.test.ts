// gmemlab export, as a user runs it (real child processes): every format, the text pasted back
// into `gmemlab run`, and bad requests refused with exit 2 and the option named.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_VERSION, PRESETS } from '../../../common/core/index.ts';
import { Store } from '../../store/store.ts';
import { recordExperiment, tempDir } from '../../store/testing.ts';

const cli = fileURLToPath(new URL('../gmemlab.ts', import.meta.url));
const gmemlab = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

let dir: ReturnType<typeof tempDir>;
let db: string;
let sweepId: number;
beforeAll(async () => {
  dir = tempDir('gmemlab-export-cli-');
  db = join(dir.dir, 'gmemlab.sqlite');
  const store = await Store.open(db);
  sweepId = (await recordExperiment(store, { name: 'MMIO sweep', scenario: PRESETS[1]!.scenario, vcpus: [1, 2, 4, 8] }))
    .experimentId;
  await store.close();
});
afterAll(() => dir.cleanup());

// Each test starts several CLI processes: on a loaded machine one can take ten seconds or more.
describe('gmemlab export', { timeout: 240_000 }, () => {
  it('writes every format to the file named, and says what it wrote', () => {
    for (const format of ['text', 'csv', 'svg', 'png', 'json']) {
      const file = join(dir.dir, `out.${format}`);
      const r = gmemlab('export', String(sweepId), '--format', format, '--out', file, '--db', db, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ out: file, format });
      expect(existsSync(`${file}.partial`)).toBe(false);
    }
    const png = readFileSync(join(dir.dir, 'out.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 2x by default: the 1000 x 575 chart (560, and a line of caption naming the model's flags)
    // as 2000 x 1150 pixels.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2000, 1150]);
    expect(readFileSync(join(dir.dir, 'out.svg'), 'utf8')).toMatch(/<text[^>]*>S2 on-demand direct map<\/text>/);
    expect(readFileSync(join(dir.dir, 'out.csv'), 'utf8').split('\n')[0]).toBe(
      'strategy,vm.vcpus,cost.overheadPct,cost.overheadPct.ci95,flags',
    );
    expect(JSON.parse(readFileSync(join(dir.dir, 'out.json'), 'utf8'))).toMatchObject({
      id: sweepId,
      name: 'MMIO sweep',
    });
  });

  it('draws the chart the options ask for: strategies, log y, theme and scale', () => {
    const svg = gmemlab(
      'export',
      String(sweepId),
      '--format',
      'svg',
      '--out',
      '-',
      '--db',
      db,
      '--strategies',
      's0,S2',
      '--logy',
      '--theme',
      'print',
    );
    expect(svg.stderr).toBe('');
    const view = JSON.parse(
      /<metadata id="gmemlab-view">([^<]*)<\/metadata>/.exec(svg.stdout)![1]!.replace(/&quot;/g, '"'),
    );
    expect(view).toMatchObject({
      strategies: ['S0', 'S2'],
      hidden: ['S1', 'S3', 'S4', 'S5', 'S6'],
      logY: true,
      theme: 'print',
    });
    expect(svg.stdout).toContain('Not drawn: S1, S3, S4, S5, S6.');
    expect(svg.stdout).toContain('(log scale)</text>');
    // --yscale names the metric chart's y axis; a value it does not know is refused, naming the option.
    const symlog = gmemlab(
      'export',
      String(sweepId),
      '--format',
      'svg',
      '--out',
      '-',
      '--db',
      db,
      '--yscale',
      'symlog',
    );
    expect(symlog.stdout).toContain('(symlog scale)</text>');
    const bad = gmemlab('export', String(sweepId), '--format', 'svg', '--out', '-', '--db', db, '--yscale', 'cubic');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--yscale');
    const file = join(dir.dir, 'small.png');
    expect(
      gmemlab('export', String(sweepId), '--format', 'png', '--scale', '1', '--out', file, '--db', db).status,
    ).toBe(0);
    const png = readFileSync(file);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1000, 575]);
  });

  it('--chart draws the trade-off plane, where the cycles go and the sensitivity, with their axes', () => {
    const metadataOf = (svg: string): Record<string, unknown> =>
      JSON.parse(/<metadata id="gmemlab-view">([^<]*)<\/metadata>/.exec(svg)![1]!.replace(/&quot;/g, '"'));
    const plane = gmemlab(
      ...['export', String(sweepId), '--format', 'svg', '--chart', 'tradeoff', '--out', '-', '--db', db],
      ...['--at', 'vm.vcpus=4', '--strategies', 'S0,S1,S3,S4,S5,S6', '--context', 'vmm'],
    );
    expect(plane.stderr).toBe('');
    expect(plane.status).toBe(0);
    expect(metadataOf(plane.stdout)).toMatchObject({
      chart: 'tradeoff',
      context: 'vmm',
      exposure: 'exposure.vmm.fraction',
      x: 'vm.vcpus',
      point: { 'vm.vcpus': 4 },
      hidden: ['S2'],
    });
    expect(plane.stdout).toContain('>no extra cost</text>');
    expect(plane.stdout).not.toMatch(/>S2 on-demand/);
    const cycles = gmemlab(
      ...['export', String(sweepId), '--format', 'csv', '--chart', 'cycles', '--by', 'touchpoint', '--out', '-'],
      ...['--db', db],
    );
    expect(cycles.status).toBe(0);
    expect(cycles.stdout.split('\n')[0]).toBe('strategy,touchpoint,cycles/s,share of total,total cycles/s');
    const file = join(dir.dir, 'tornado.svg');
    const tornado = gmemlab(
      ...['export', String(sweepId), '--format', 'svg', '--chart', 'sensitivity', '--strategy', 's3', '--out', file],
      ...['--db', db, '--json'],
    );
    expect(tornado.stderr).toBe('');
    expect(JSON.parse(tornado.stdout)).toMatchObject({ out: file, format: 'svg' });
    expect(metadataOf(readFileSync(file, 'utf8'))).toMatchObject({ chart: 'sensitivity', strategy: 'S3' });
    // Refused with exit 2, the option and the problem named.
    const refused = (args: string[], message: string): void => {
      const r = gmemlab('export', String(sweepId), ...args, '--db', db);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
    };
    refused(
      ['--format', 'svg', '--chart', 'heatmap'],
      '--chart: a heatmap needs an experiment that sweeps two parameters',
    );
    refused(
      ['--format', 'svg', '--chart', 'pie'],
      '--chart: "pie" is not one of metric, tradeoff, cycles, sensitivity, heatmap, matrix\n',
    );
    refused(['--format', 'svg', '--chart', 'heatmp'], 'heatmap, matrix; did you mean heatmap?');
    refused(
      ['--format', 'svg', '--chart', 'heatmap', '--budget', 'lots'],
      '--budget: "lots" is not an exposure budget',
    );
    refused(
      ['--format', 'csv', '--chart', 'tradeoff', '--context', 'kernal'],
      '--context: "kernal" is not an attacker context of this experiment',
    );
  });

  it('prints the mail at the point asked for, and the mail quoted twice in a reply runs again as the same sweep', () => {
    const text = gmemlab('export', String(sweepId), '--out', '-', '--db', db, '--at', 'vm.vcpus=4');
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n').every((l) => l.length <= 72 && /^[\x20-\x7e]*$/.test(l))).toBe(true);
    expect(text.stdout).toContain('Results at vm.vcpus = 4 (point 3 of 4):');
    expect(text.stdout).toMatch(/^ {2}gmemlab sweep \S+\.sweep\.json$/m);
    // Quoted once with '> ', then again with '>' by another client; attribution lines, trailing
    // spaces and CRLF line ends as mail clients add them; text before and after.
    const once = text.stdout.split('\n').map((l) => (l === '' ? '>' : `> ${l}`));
    const twice = ['On Wed, Bob wrote:', ...['On Tue, Alice wrote:', ...once].map((l) => `>${l}  `), '', 'Agreed.'];
    const mail = join(dir.dir, 'reply.txt');
    writeFileSync(mail, `Subject: Re: Re: numbers\r\n\r\n${twice.join('\r\n')}\r\n-- \r\nsig\r\n`);
    const original = JSON.parse(gmemlab('show', String(sweepId), '--db', db, '--json').stdout);
    for (const command of ['sweep', 'run']) {
      const rerun = gmemlab(command, mail, '--db', join(dir.dir, `rerun-${command}.sqlite`), '--json');
      expect(rerun.stderr).toBe('');
      expect(rerun.status).toBe(0);
      const again = JSON.parse(rerun.stdout);
      expect(again.scenarioId).toBe(original.scenarioId);
      expect(again.scenario).toEqual(PRESETS[1]!.scenario);
      expect(again.sweep).toEqual(original.sweep);
      const points = (d: { runs: { strategy: string; point: unknown }[] }) =>
        d.runs.map((r) => `${r.strategy} ${JSON.stringify(r.point)}`).sort();
      expect(points(again)).toEqual(points(original));
    }
    // A mail of an older model runs under this one, with a note saying so (stderr only).
    const older = join(dir.dir, 'older.txt');
    writeFileSync(older, text.stdout.replace(`To reproduce (model ${MODEL_VERSION})`, 'To reproduce (model 2.6.0)'));
    const rerunOld = gmemlab('sweep', older, '--db', join(dir.dir, 'rerun-old.sqlite'), '--json');
    expect(rerunOld.status).toBe(0);
    expect(rerunOld.stderr).toBe(
      `note: ${older} says its results were computed with model 2.6.0; this gmemlab computes model ${MODEL_VERSION}, so the figures may differ (docs/model.md, the version history)\n`,
    );
    // What a single run prints is not the sweep's to choose: refused before anything runs.
    const viewed = join(dir.dir, 'rerun-viewed.sqlite');
    const refused = gmemlab('run', mail, '--metric', 'cost.overheadPct', '--point', '2', '--db', viewed);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--metric, --point: ');
    expect(refused.stderr).toContain('carries a sweep, which prints a summary');
    expect(existsSync(viewed)).toBe(false);
  });

  it('refuses bad requests with exit 2, naming the option and the nearest names', () => {
    const format = gmemlab('export', String(sweepId), '--format', 'docx', '--db', db);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('--format: "docx" is not one of text, csv, svg, png, json');
    const metric = gmemlab('export', String(sweepId), '--metric', 'cost.overheadpct', '--db', db);
    expect(metric.status).toBe(2);
    expect(metric.stderr).toContain('--metric: "cost.overheadpct" is not a metric; did you mean cost.overheadPct');
    // A figure only the simulator gives, of an analytic sweep: refused, not an empty chart.
    const percentile = gmemlab(
      'export',
      String(sweepId),
      '--format',
      'svg',
      '--metric',
      'latency.mmio.p99Us',
      '--db',
      db,
    );
    expect(percentile.status).toBe(2);
    expect(percentile.stderr).toContain(
      `--metric: latency.mmio.p99Us comes from the discrete-event simulator only; experiment ${sweepId} was computed with the analytic model`,
    );
    const at = gmemlab('export', String(sweepId), '--at', 'VM.vcpu=4', '--db', db);
    expect(at.status).toBe(2);
    expect(at.stderr).toContain('--at: "VM.vcpu" is not swept in this experiment; did you mean vm.vcpus?');
    const value = gmemlab('export', String(sweepId), '--at', 'vm.vcpus=3', '--db', db);
    expect(value.stderr).toContain('--at: no finished run at vm.vcpus = 3; its values are 1, 2, 4, 8');
    const twice = gmemlab('export', String(sweepId), '--at', 'vm.vcpus=4', '--at', 'vm.vcpus=8', '--db', db);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('--at: vm.vcpus is given twice (a point has one value of each swept parameter)');
    const point = gmemlab('export', String(sweepId), '--point', '9', '--db', db);
    expect(point.stderr).toContain('--point: "9" is not a point of experiment');
    const missing = gmemlab('export', '999', '--db', db);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('experiment 999 does not exist');
    const png = gmemlab('export', String(sweepId), '--format', 'png', '--out', '-', '--db', db);
    expect(png.status).toBe(2);
    expect(png.stderr).toContain('a PNG is binary');
    // An --out that cannot be written (a folder) is refused, and no partial file stays beside it.
    const folder = join(dir.dir, 'a-folder');
    mkdirSync(folder);
    const unwritable = gmemlab('export', String(sweepId), '--format', 'text', '--out', folder, '--db', db);
    expect(unwritable.status).toBe(2);
    expect(unwritable.stderr).toContain(`--out: cannot write ${folder}: EISDIR`);
    expect(existsSync(`${folder}.partial`)).toBe(false);
    // Options that choose a drawing are refused for the mail, named, and nothing is written.
    const mailFile = join(dir.dir, 'mail.txt');
    const drawn = gmemlab(
      'export',
      String(sweepId),
      '--format',
      'text',
      '--chart',
      'heatmap',
      '--budget',
      '1e-3',
      '--theme',
      'dark',
      '--out',
      mailFile,
      '--db',
      db,
    );
    expect(drawn.status).toBe(2);
    expect(drawn.stderr).toContain('--chart, --budget, --theme: not for --format text');
    expect(drawn.stderr).toContain('--format svg, png or csv');
    expect(existsSync(mailFile)).toBe(false);
    // --chart metric is the mail's own chart: taken.
    expect(
      gmemlab('export', String(sweepId), '--format', 'text', '--chart', 'metric', '--out', mailFile, '--db', db).status,
    ).toBe(0);
  });

  it('--chart matrix: every preset as the mail table, the experiments given as CSV, refusals naming the option', () => {
    const text = gmemlab('export', '--chart', 'matrix', '--format', 'text', '--out', '-', '--db', db);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    for (const line of text.stdout.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(72);
    for (const p of PRESETS) expect(text.stdout).toContain(`${p.name}: preset ${p.id}, formulas`);
    expect(text.stdout).toContain('Written by: gmemlab export --chart matrix --format text');

    const file = join(dir.dir, 'matrix.csv');
    const ok = gmemlab(
      'export',
      String(sweepId),
      '--chart',
      'matrix',
      '--format',
      'csv',
      '--context',
      'vmm',
      '--out',
      file,
      '--db',
      db,
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain(`wrote csv of the matrix of experiments ${sweepId} to ${file}`);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toContain(
      ',cost.overheadPct,cost.overheadPct.ci95,cost.overheadPct.estimates,exposure.vmm.fraction,',
    );
    // One line per strategy of the experiment, at its first point (vm.vcpus = 1).
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(lines.slice(1).map(() => 'vm.vcpus=1'));
    expect(lines.length - 1).toBeGreaterThanOrEqual(2);

    const json = gmemlab('export', '--chart', 'matrix', '--format', 'json', '--db', db);
    expect(json.status).toBe(2);
    expect(json.stderr).toContain('--format: the matrix is written as text, csv, svg, png, not "json"');
    const at = gmemlab('export', String(sweepId), '--chart', 'matrix', '--at', 'vm.vcpus=4', '--db', db);
    expect(at.stderr).toContain('--at: not for --chart matrix');
    const measure = gmemlab('export', '--chart', 'matrix', '--format', 'svg', '--measure', 'state', '--db', db);
    expect(measure.status).toBe(2);
    expect(measure.stderr).toContain('--context/--measure: "exposure.kernel.state" is not an exposure figure');
  });
});
