// gmemlab serve
import { createApp, defaultDatabasePath } from '../../app.ts';
import { DEFAULT_RENDERER_DIR, startWebHost } from '../../web/server.ts';
import { out, UsageError, type Command } from '../shared.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the workbench to a browser on 127.0.0.1 (token-protected)',
  usage: 'gmemlab serve [--port N] [--db PATH] [--json]',
  options: { port: { type: 'string' } },
  async run({ values, json }) {
    const port = values['port'] === undefined ? 0 : Number(values['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError('--port must be an integer from 0 to 65535');
    const dbPath = typeof values['db'] === 'string' ? values['db'] : defaultDatabasePath();
    const app = await createApp({ dbPath, readWorker: true, writeWorker: true, computeWorker: true });
    const host = await startWebHost({ app, rendererDir: DEFAULT_RENDERER_DIR, port });
    if (json) out(JSON.stringify({ url: host.url, port: host.port, db: dbPath }));
    else out(`gmemlab is serving on 127.0.0.1 only; open ${host.url}\n(database ${dbPath}; Ctrl-C to stop)`);
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', resolveStop);
      process.once('SIGTERM', resolveStop);
    });
    await host.close();
    await app.close();
    return 0;
  },
};
