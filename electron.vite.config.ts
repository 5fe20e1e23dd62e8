import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // better-sqlite3 is a native addon: it stays external. Kysely and zod are ESM: bundled.
      externalizeDeps: { exclude: ['kysely', 'zod'] },
      rollupOptions: {
        input: {
          index: resolve(root, 'main/electron/main.ts'),
          worker: resolve(root, 'main/runner/worker.ts'),
          'read-worker': resolve(root, 'main/store/read-worker.ts'),
          'write-worker': resolve(root, 'main/runner/write-worker.ts'),
          'compute-worker': resolve(root, 'main/handlers/compute-worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file with everything but electron inlined.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
