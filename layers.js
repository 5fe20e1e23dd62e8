// @ts-check
// The one statement of what each folder may import. eslint.config.js enforces it (rule
// gmemlab/layers on every source file but tests), and layers.test.ts holds README.md's
// "Where things are" table to it: change one, change the other.
import { isBuiltin } from 'node:module';

/**
 * @typedef {object} Layer
 * @property {string[]} folders Folders (or single files) of the layer, relative to the project root.
 * @property {string[] | 'anything'} may What else it may import: folders or files; `common` is every folder under common/.
 * @property {boolean} [browserSafe] Runs in a browser or a sandbox: no Node built-ins and no main-process package.
 */

/** @type {Layer[]} */
export const LAYERS = [
  { folders: ['common/core'], may: ['common/core'], browserSafe: true },
  { folders: ['common/analysis'], may: ['common/core'], browserSafe: true },
  { folders: ['common/contract'], may: ['common/core', 'common/analysis'], browserSafe: true },
  { folders: ['main/store', 'migrations'], may: ['common', 'migrations'] },
  { folders: ['main/runner'], may: ['common', 'main/store'] },
  { folders: ['main/export'], may: ['common'] },
  { folders: ['main/handlers'], may: ['common', 'main/store', 'main/runner', 'main/export'] },
  { folders: ['main/app.ts'], may: ['common', 'main/store', 'main/runner', 'main/handlers'] },
  { folders: ['main/security.ts'], may: [] },
  { folders: ['main/electron'], may: ['common', 'main/handlers', 'main/app.ts', 'main/security.ts'] },
  { folders: ['main/web'], may: ['common', 'main/handlers', 'main/app.ts', 'main/security.ts'] },
  { folders: ['main/cli'], may: ['common', 'main/handlers', 'main/export', 'main/web', 'main/app.ts'] },
  { folders: ['preload'], may: ['common/contract'], browserSafe: true },
  { folders: ['renderer'], may: ['common'], browserSafe: true },
  { folders: ['bin'], may: ['main/cli'] },
  { folders: ['scripts'], may: [] },
  { folders: ['docs'], may: ['common/core'] },
  { folders: ['e2e'], may: 'anything' },
  { folders: ['bench'], may: 'anything' },
  { folders: ['measure'], may: ['common'] },
  { folders: ['security'], may: 'anything' },
];

/** The one file through which everything outside a folder reaches it (the core's front door). */
export const FRONT_DOORS = { 'common/core': 'common/core/index.ts' };

/**
 * Packages that only some folders may load: the database (only the store and its migrations know
 * the tables), Electron (the window's edge and the preload), the native canvas (chart export).
 * @type {Record<string, string[]>}
 */
export const PACKAGE_OWNERS = {
  'better-sqlite3': ['main/store', 'migrations'],
  kysely: ['main/store', 'migrations'],
  electron: ['main/electron', 'preload'],
  '@napi-rs/canvas': ['main/export'],
};

/** Files the layer rule does not apply to: tests and their child-process fixtures span layers on purpose. */
export const EXEMPT_FILES = ['**/*.test.ts', '**/*.fixture.ts'];

/** @param {string} path @param {string} folder */
const within = (path, folder) => path === folder || path.startsWith(`${folder}/`);

/**
 * The layer a project file belongs to (the most specific folder that holds it), or undefined.
 * @param {string} file path relative to the project root, with forward slashes
 * @returns {{ layer: Layer, folder: string } | undefined}
 */
export function layerOf(file) {
  /** @type {{ layer: Layer, folder: string } | undefined} */
  let best;
  for (const layer of LAYERS)
    for (const folder of layer.folders)
      if (within(file, folder) && (best === undefined || folder.length > best.folder.length)) best = { layer, folder };
  return best;
}

/** @param {string} name @param {string} entry */
const mayReach = (name, entry) => (name === 'common' ? within(entry, 'common') : within(entry, name));

/**
 * Why `from` may not import `target`, or null when it may. Both are project files relative to
 * the root; `target` is what a relative import resolves to.
 * @param {string} from @param {string} target
 * @returns {string | null}
 */
export function checkFileImport(from, target) {
  const source = layerOf(from);
  if (source === undefined) return null;
  const dest = layerOf(target);
  if (dest !== undefined && dest.layer === source.layer) return null;
  const may = source.layer.may;
  if (may === 'anything') return null;
  if (!may.some((name) => mayReach(name, target)))
    return `${source.folder} may not import ${target} (it may import ${[...source.layer.folders, ...may].join(', ')}: README.md, "Where things are")`;
  for (const [folder, door] of Object.entries(FRONT_DOORS))
    if (within(target, folder) && target !== door && !within(from, folder))
      return `import ${door}, not ${target}: it is the only way into ${folder}`;
  return null;
}

/**
 * Why `from` may not import the package `specifier`, or null when it may.
 * @param {string} from @param {string} specifier a bare import specifier
 * @returns {string | null}
 */
export function checkPackageImport(from, specifier) {
  const source = layerOf(from);
  if (source === undefined) return null;
  if (isBuiltin(specifier))
    return source.layer.browserSafe === true
      ? `${source.folder} is browser-safe code: it may not import the Node built-in ${specifier}`
      : null;
  const name = specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
  const owners = PACKAGE_OWNERS[name];
  if (owners === undefined || source.layer.may === 'anything') return null;
  if (!owners.some((folder) => source.layer.folders.includes(folder)))
    return `only ${owners.join(' and ')} may import ${name}`;
  return null;
}
