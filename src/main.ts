// `npm start`: the whole product on one port: API, OpenAPI, and (when built) the web apps.
import { ConfigError, loadConfig, type AppConfig } from './config.js';

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // the problems name settings, never their values
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
// the rest loads only once the configuration is known to be safe: a refusal is immediate
const { createLogger, startApp } = await import('./app.js');
const { seedDemo, DEMO_HQ, DEMO_CHAIN } = await import('./demo/seed.js');
const { webPlugins } = await import('./http/web.js');
const logger = createLogger(config.logLevel);
const app = await startApp({ config, logger, plugins: webPlugins() });
// DEMO_DATA=off: none; DEMO_DATA=core: HQ, the chain, products and rules only; otherwise everything (development only)
const { LOCK_KEYS } = await import('./db/database.js');
// instances starting together seed one after another; the later ones find the demo there and skip
const seeded = config.demoData !== 'off' && (await app.database.exclusive(LOCK_KEYS.demoSeed, () => seedDemo(app.services, { features: config.demoData !== 'core' })));
if (seeded) {
  logger.info({ hqLogin: DEMO_HQ[0].nickname, chainTop: DEMO_CHAIN[0].slice(0, 3) + '…' }, 'demo data created (see README for the demo logins)');
}
await app.http.listen({ port: config.port, host: config.host });
logger.info(`Fenxiao is running on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port} — ${config.appEnv ?? 'development'} mode, database: ${app.database.kind}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
