#!/usr/bin/env node
// The `gmemlab` command. The CLI is TypeScript run by Node's own type stripping (Node >= 22.18;
// the project pins Node 22 as a dev dependency, so `npx gmemlab` and npm scripts get it).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `gmemlab needs Node >= 22.18 (this is ${process.version}). Run it through npm (npx gmemlab ...) ` +
      'in the project folder, which uses the Node 22 the project installs.\n',
  );
  process.exit(2);
}
await import('../main/cli/gmemlab.ts');
