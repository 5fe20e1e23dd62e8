// gmemlab calibrate / profiles / apply-profile: host profiles from a real host's tool outputs
// (docs/calibration.md; the kit in measure/ produces them).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import {
  applyHostProfile,
  CalibrationError,
  profileExtrapolations,
  readHostFacts,
  validateHostProfile,
  validateScenario,
  type HostProfile,
} from '../../../common/core/index.ts';
import { formatValue } from '../../../common/analysis/format.ts';
import { calibrateFiles } from '../../handlers/calibration.ts';
import { hostProfileId } from '../../handlers/calibration.ts';
import { out, printJson, readScenarioFile, UsageError, withApp, writeOut, type Command } from '../shared.ts';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function writeJson(path: string, value: unknown): Promise<void> {
  return writeOut(path, `${JSON.stringify(value, null, 2)}\n`);
}

function positiveOption(name: string, text: unknown, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (
    typeof text !== 'string' ||
    text.trim() === '' ||
    !Number.isFinite(n) ||
    n <= 0 ||
    (integer && !Number.isInteger(n))
  )
    throw new UsageError(`--${name}: "${String(text)}" is not a positive ${integer ? 'whole number' : 'number'}`);
  return n;
}

const figureValue = (v: number | null, unit: string): string => (v === null ? '-' : `${formatValue(v)} ${unit}`);

/** What the profile holds and what it could not use, for a terminal. */
export function describeProfile(id: string, profile: HostProfile): string {
  const host = [
    profile.host.name,
    profile.host.cpuModel,
    profile.host.onlineCpus === null ? null : `${profile.host.onlineCpus} CPUs`,
  ]
    .filter((x) => x !== null)
    .join(', ');
  const lines = [
    `host profile ${id.slice(0, 12)} "${profile.name}"${host === '' ? '' : ` (${host})`}${profile.host.ghz === null ? '' : `, clock ${profile.host.ghz} GHz`}`,
    '',
    'sources:',
    ...profile.sources.map(
      (s) => `  ${s.file}: ${s.tool}${s.sha256 === null ? '' : `, sha256 ${s.sha256.slice(0, 16)}`}`,
    ),
    '',
    'mapped (cost entry = value, range; rule):',
  ];
  for (const c of profile.costs)
    lines.push(
      `  ${c.key.padEnd(24)} ${formatValue(c.value).padStart(10)} (${formatValue(c.low)}..${formatValue(c.high)})  ${c.rule}`,
    );
  if (profile.costs.length === 0) lines.push('  (none: no figure in these files measures a cost entry)');
  for (const curve of profile.curves)
    lines.push(
      `  curve ${curve.name} over ${curve.over}: ${curve.points.map((p) => `${p.cpus} CPUs ${formatValue(p.cycles)}`).join(', ')} cycles`,
    );
  lines.push('', 'not used (figure: value; why):');
  for (const u of profile.unused) lines.push(`  ${u.file}: ${u.figure}: ${figureValue(u.value, u.unit)}; ${u.reason}`);
  if (profile.unused.length === 0) lines.push('  (none)');
  return lines.join('\n');
}

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: 'make a host profile from tool outputs (kvm-unit-tests vmexit, demand_paging_test, perf kvm stat, bpftrace)',
  usage:
    'gmemlab calibrate FILE... [--name NAME] [--out PROFILE.json] [--ghz GHZ] [--cpus N] [--column NAME] [--no-save] [--db PATH] [--json]\n' +
    "  --column: read a comparison table (a cover letter's before/after vmexit figures) as the run of this column",
  options: {
    name: { type: 'string' },
    out: { type: 'string' },
    ghz: { type: 'string' },
    cpus: { type: 'string' },
    column: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
  async run({ positionals, values, json }) {
    if (positionals.length === 0)
      throw new UsageError('calibrate needs one or more FILEs (outputs of the tools measure/run.sh runs)');
    const files = positionals.map((path) => ({ name: basename(path), text: readText(path) }));
    const name =
      typeof values['name'] === 'string'
        ? values['name']
        : (files.map((f) => readHostFacts(f.text).hostName).find((h) => h !== null) ??
          `calibration of ${files[0]!.name}`);
    const request = {
      files,
      name,
      ghz: positiveOption('ghz', values['ghz'], false),
      cpus: positiveOption('cpus', values['cpus'], true),
      column: typeof values['column'] === 'string' ? values['column'] : undefined,
    };
    const make = async (store: Parameters<typeof calibrateFiles>[0]) => {
      try {
        return await calibrateFiles(store, request);
      } catch (err) {
        if (err instanceof CalibrationError) throw new UsageError(err.message);
        throw err;
      }
    };
    const result = values['no-save'] === true ? await make(null) : await withApp(values, (app) => make(app.store));
    if (typeof values['out'] === 'string') await writeJson(values['out'], result.profile);
    if (json) printJson(result);
    else {
      // A profile not saved has no ID to apply by: only its file, if written.
      const outFile = typeof values['out'] === 'string' ? values['out'] : undefined;
      const next =
        result.created !== null
          ? `${result.created ? 'saved' : 'already saved'}; apply it with: gmemlab apply-profile ${result.id.slice(0, 12)} SCENARIO.json --out OUT.json`
          : outFile !== undefined
            ? `not saved (--no-save); apply it with: gmemlab apply-profile ${outFile} SCENARIO.json --out OUT.json`
            : 'not saved (--no-save): write it with --out PROFILE.json to apply it from the file, or run again without --no-save';
      out(`${describeProfile(result.id, result.profile)}\n\n${next}`);
    }
    return 0;
  },
};

export const profilesCommand: Command = {
  name: 'profiles',
  summary: 'the saved host profiles (gmemlab calibrate)',
  usage: 'gmemlab profiles [--db PATH] [--json]',
  options: {},
  async run({ values, json }) {
    return withApp(values, async (app) => {
      const list = await app.store.listHostProfiles();
      if (json) printJson(list);
      else if (list.length === 0) out('no host profiles yet: make one with gmemlab calibrate FILE...');
      else
        out(
          list
            .map(
              (p) =>
                `${p.id.slice(0, 12)}  ${p.name}  ${p.hostName ?? '-'}  ${p.cpuModel ?? '-'}  ${p.createdAt}  [${p.entries.join(', ')}]`,
            )
            .join('\n'),
        );
      return 0;
    });
  },
};

export const applyProfileCommand: Command = {
  name: 'apply-profile',
  summary: 'write a host profile (saved ID or PROFILE.json) into a scenario: host.costs, host.profile',
  usage: 'gmemlab apply-profile ID|PROFILE.json SCENARIO.json --out OUT.json [--db PATH] [--json]',
  options: { out: { type: 'string' } },
  async run({ positionals, values, json }) {
    if (positionals.length !== 2)
      throw new UsageError('apply-profile needs a profile (saved ID or PROFILE.json) and a SCENARIO.json');
    const target = values['out'];
    if (typeof target !== 'string' || target === '') throw new UsageError('apply-profile needs --out OUT.json');
    const [which, scenarioFile] = positionals as [string, string];
    const { scenario } = readScenarioFile(scenarioFile);
    let profile: HostProfile;
    let id: string;
    if (/\.json$/i.test(which)) {
      let raw: unknown;
      try {
        raw = JSON.parse(readText(which));
      } catch (err) {
        throw new UsageError(`${which} is not valid JSON: ${(err as Error).message}`);
      }
      const checked = validateHostProfile(raw);
      if (!checked.ok)
        throw new UsageError(
          `${which} is not a host profile:\n${checked.issues
            .slice(0, 10)
            .map((i) => `  ${i.path || '(root)'}: ${i.message}`)
            .join('\n')}`,
        );
      profile = checked.value;
      id = hostProfileId(profile);
    } else {
      if (!/^[0-9a-f]{6,64}$/.test(which))
        throw new UsageError(`"${which}" is neither a profile ID (hex) nor a .json file`);
      [profile, id] = await withApp(values, async (app) => {
        const match = (await app.store.listHostProfiles()).filter((p) => p.id.startsWith(which));
        if (match.length !== 1)
          throw new UsageError(
            match.length === 0
              ? `no host profile ${which} (see gmemlab profiles)`
              : `${which} is more than one profile: give more of its ID`,
          );
        const p = await app.store.getHostProfile(match[0]!.id);
        return [p, p.id] as const;
      });
    }
    const next = applyHostProfile(scenario, profile, id);
    const checked = validateScenario(next);
    if (!checked.ok)
      throw new UsageError(
        `the profile gives an invalid scenario: ${checked.issues[0]!.path} ${checked.issues[0]!.message}`,
      );
    await writeJson(target, checked.value);
    const extrapolated = profileExtrapolations(profile, checked.value);
    if (json)
      printJson({ out: target, profile: { id, name: profile.name }, costs: checked.value.host.costs, extrapolated });
    else
      out(
        `wrote ${target}: ${profile.costs.length} cost entries from host profile "${profile.name}" (${id.slice(0, 12)})${profile.host.ghz === null ? '' : `, host.ghz ${profile.host.ghz}`}\n` +
          profile.costs.map((c) => `  host.costs.${c.key} = ${checked.value.host.costs[c.key]}`).join('\n') +
          extrapolated.map((e) => `\nnote: ${e}`).join(''),
      );
    return 0;
  },
};
