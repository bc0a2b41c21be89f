// Starts Fenxiao in-process: database, migrations, services, HTTP. Tests and `npm start` both use it.
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { AppConfig } from './config.js';
import type { Clock } from './context.js';
import { inTransaction, openDatabase, type DatabaseHandle } from './db/database.js';
import { migrate } from './db/migrate.js';
import { buildHttpApp, type HttpOptions } from './http/app.js';
import { startJobs } from './jobs/scheduler.js';
import type { PayoutProvider } from './modules/payouts/index.js';
import type { RuleConfigInput } from './modules/rules/index.js';
import { Redis } from 'ioredis';
import { RedisLimitStore } from './modules/identity/index.js';
import { createServices, type Services } from './services.js';

export interface StartOptions {
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  database?: DatabaseHandle;
  payoutProvider?: PayoutProvider;
  initialRules?: RuleConfigInput;
  plugins?: HttpOptions['plugins'];
  fetchFn?: typeof fetch;
}

export interface RunningApp {
  http: FastifyInstance;
  services: Services;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export function createLogger(level: string): Logger {
  return pino({
    level,
    // personal data and secrets are cut from logs wherever they appear in a logged object
    serializers: {
      // query strings can carry an SSE access token: log the path only
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: req.url?.split('?')[0], remoteAddress: req.ip }),
    },
    redact: { paths: ['phone', '*.phone', 'password', '*.password', 'req.headers.authorization', 'destination', '*.destination', 'smsCode'], censor: '[redacted]' },
  });
}

export async function startApp(options: StartOptions): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(options.config.logLevel);
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: options.config.databaseUrl,
      dataDir: options.config.databaseUrl ? undefined : `${options.config.dataDir}/pglite`,
      listenUrl: options.config.databaseListenUrl,
      poolSize: options.config.databasePoolMax,
      preparedStatements: options.config.databasePreparedStatements,
      onConnectionError: (message) => logger.warn(message),
    }));
  await migrate(database);
  // DATABASE_READ_URL: a replica for the read models; its lag is theirs to bear, never the money path's
  const readDatabase = options.config.databaseReadUrl
    ? await openDatabase({ databaseUrl: options.config.databaseReadUrl, poolSize: Math.max(2, Math.ceil((options.config.databasePoolMax ?? 20) / 2)), preparedStatements: options.config.databasePreparedStatements, onConnectionError: (message) => logger.warn(message) })
    : undefined;
  // REDIS_URL: limits live in Redis; otherwise in PostgreSQL (both shared by every instance)
  const redis = options.config.redisUrl ? new Redis(options.config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }) : undefined;
  const limitStore = redis ? new RedisLimitStore(redis) : undefined;
  const services = createServices({ db: database.db, config: options.config, log: logger, clock: options.clock, payoutProvider: options.payoutProvider, fetchFn: options.fetchFn, limitStore, readDb: readDatabase?.db });
  await inTransaction(database.db, (tx) => services.rules.ensureInitial(tx, options.initialRules));
  // this instance hears every instance's inbox writes, so a stream open here gets alerts paid anywhere
  await services.notifications.startLive(database.listen);
  const http = await buildHttpApp(services, { logger, plugins: options.plugins });
  const jobs = await startJobs({ services, database, config: options.config, log: logger });
  return {
    http,
    services,
    database,
    async close() {
      await jobs.stop();
      await http.close();
      await services.orders.stopEffects();
      await services.notifications.stopLive();
      redis?.disconnect();
      await readDatabase?.close();
      if (!options.database) await database.close();
    },
  };
}
