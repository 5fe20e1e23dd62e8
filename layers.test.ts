// The folder table is one thing in three places: layers.js (the rules), eslint.config.js (which
// enforces them) and README.md's "Where things are" (which states them). These tests fail when the
// README and the rules disagree, when a source folder is in no layer, and when a crossing import
// would get through `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFileImport, checkPackageImport, LAYERS, layerOf } from './layers.js';

const root = import.meta.dirname;

/** README's table as rows of (folders, may import), the way a reader sees it. */
function readmeTable(): { folders: string[]; may: string[] | 'anything' }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('## Where things are')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return rows.map((row) => {
    const cells = row.split('|').map((c) => c.trim());
    const names = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const mayCell = cells[3] ?? '';
    return {
      folders: names(cells[1] ?? ''),
      may: mayCell === 'anything' ? 'anything' : mayCell === 'nothing' ? [] : names(mayCell),
    };
  });
}

describe('the folder table', () => {
  it("README.md's table and layers.js list the same folders with the same imports", () => {
    const readme = readmeTable();
    expect(readme.length).toBeGreaterThan(10);
    const key = (r: { folders: string[]; may: string[] | 'anything' }) =>
      `${r.folders.join(', ')} -> ${r.may === 'anything' ? 'anything' : [...r.may].sort().join(', ')}`;
    expect(readme.map(key)).toEqual(LAYERS.map(key));
  });

  it('puts every source file of the project in a layer', () => {
    const skip = new Set(['node_modules', 'out', 'test-results', 'artifacts', 'public', 'golden', 'fixtures']);
    const unplaced: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        if (entry.name.startsWith('.') || skip.has(entry.name)) continue;
        const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (dir !== '' && /\.(ts|js|svelte)$/.test(entry.name) && layerOf(path) === undefined) unplaced.push(path);
      }
    };
    walk('');
    expect(unplaced).toEqual([]);
  });

  it('says why an import crosses, and lets the allowed ones through', () => {
    expect(checkFileImport('main/store/store.ts', 'main/runner/experiments.ts')).toMatch(
      /main\/store may not import main\/runner\/experiments\.ts/,
    );
    expect(checkFileImport('main/handlers/index.ts', 'main/store/store.ts')).toBeNull();
    expect(checkFileImport('renderer/src/lib/api.ts', 'common/contract/index.ts')).toBeNull();
    expect(checkFileImport('main/cli/gmemlab.ts', 'common/core/api.ts')).toMatch(/import common\/core\/index\.ts/);
    expect(checkFileImport('common/core/analytic.ts', 'common/core/api.ts')).toBeNull();
    expect(checkPackageImport('common/analysis/diff.ts', 'node:path')).toMatch(/browser-safe/);
    expect(checkPackageImport('common/analysis/diff.ts', 'path')).toMatch(/browser-safe/);
    expect(checkPackageImport('main/handlers/workbench.ts', 'kysely')).toMatch(/only main\/store and migrations/);
    expect(checkPackageImport('main/store/history.ts', 'kysely')).toBeNull();
    expect(checkPackageImport('preload/index.ts', 'electron')).toBeNull();
  });
});

describe('npm run lint', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  /** The layer errors ESLint reports for `code` as if it were the file at `path`. */
  async function layerErrors(path: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(root, path) });
    expect(result?.fatalErrorCount).toBe(0);
    return (result?.messages ?? []).filter((m) => m.ruleId === 'gmemlab/layers').map((m) => m.message);
  }

  // Each fixture crosses a boundary the README states; the lint must fail on every one.
  const crossings: { path: string; code: string; error: RegExp }[] = [
    {
      path: 'common/core/crossing.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      error: /browser-safe code: it may not import the Node built-in node:fs/,
    },
    {
      path: 'common/analysis/crossing.ts',
      code: "export { Store } from '../../main/store/store.ts';\n",
      error: /common\/analysis may not import main\/store\/store\.ts/,
    },
    {
      path: 'common/contract/crossing.ts',
      code: "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n",
      error: /only main\/electron and preload may import electron/,
    },
    {
      path: 'main/store/crossing.ts',
      code: "import type { ExperimentRunner } from '../runner/experiments.ts';\nexport type R = ExperimentRunner;\n",
      error: /main\/store may not import main\/runner\/experiments\.ts/,
    },
    {
      path: 'main/store/crossing.ts',
      code: "export const load = () => import('../handlers/index.ts');\n",
      error: /main\/store may not import main\/handlers\/index\.ts/,
    },
    {
      path: 'main/handlers/crossing.ts',
      code: "import { sql } from 'kysely';\nexport const q = sql;\n",
      error: /only main\/store and migrations may import kysely/,
    },
    {
      path: 'preload/crossing.ts',
      code: "import { PRESETS } from '../common/core/index.ts';\nexport const p = PRESETS;\n",
      error: /preload may not import common\/core\/index\.ts/,
    },
    {
      path: 'main/cli/crossing.ts',
      code: "import { Store } from '../store/store.ts';\nexport const s = Store;\n",
      error: /main\/cli may not import main\/store\/store\.ts/,
    },
    {
      path: 'main/runner/crossing.ts',
      code: "import type { Estimate } from '../../common/core/api.ts';\nexport type E = Estimate;\n",
      error: /import common\/core\/index\.ts, not common\/core\/api\.ts/,
    },
    {
      path: 'renderer/src/lib/Crossing.svelte',
      code: '<script lang="ts">\n  import { Store } from \'../../../main/store/store.ts\';\n  console.log(Store);\n</script>\n',
      error: /renderer may not import main\/store\/store\.ts/,
    },
  ];
  for (const { path, code, error } of crossings) {
    it(`fails ${path} importing ${/(?:from |import\()'([^']+)'/.exec(code)?.[1]}`, async () => {
      const errors = await layerErrors(path, code);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(error);
    });
  }

  it('passes the same files when they import what they may', async () => {
    expect(
      await layerErrors(
        'main/handlers/fine.ts',
        "import { Store } from '../store/store.ts';\nexport const s = Store;\n",
      ),
    ).toEqual([]);
    expect(
      await layerErrors(
        'renderer/src/lib/Fine.svelte',
        '<script lang="ts">\n  import { PRESETS } from \'../../../common/core/index.ts\';\n  console.log(PRESETS);\n</script>\n',
      ),
    ).toEqual([]);
    expect(
      await layerErrors('main/store/fine.test.ts', "import { App } from '../app.ts';\nexport type A = App;\n"),
    ).toEqual([]);
  });
});
