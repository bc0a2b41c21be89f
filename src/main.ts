// `npm start`: the whole product on one port: API, OpenAPI, and (when built) the web apps.
import { createLogger, startApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { seedDemo, DEMO_HQ, DEMO_CHAIN } from './demo/seed.js';
import { webPlugins } from './http/web.js';

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // the problems name settings, never their values
  process.stderr.write(`${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
const logger = createLogger(config.logLevel);
const app = await startApp({ config, logger, plugins: webPlugins() });
// DEMO_DATA=off: none; DEMO_DATA=core: HQ, the chain, products and rules only; otherwise everything (development only)
if (config.demoData !== 'off' && (await seedDemo(app.services, { features: config.demoData !== 'core' }))) {
  logger.info({ hqLogin: DEMO_HQ[0].nickname, chainTop: DEMO_CHAIN[0].slice(0, 3) + '…' }, 'demo data created (see README for the demo logins)');
}
await app.http.listen({ port: config.port, host: config.host });
logger.info(`Fenxiao is running on http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port} — ${config.appEnv ?? 'development'} mode, database: ${app.database.kind}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
