// `npm run create-owner -- --phone 13800000000`: the first HQ owner of a fresh database, once.
// Prints a one-time password that must be changed at the first login. With the embedded database,
// stop the server first (PGlite opens its folder in one process at a time).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from '../src/config.js';
import { inTransaction, openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { AppError } from '../src/errors.js';
import { randomCode } from '../src/random.js';
import { createServices } from '../src/services.js';

const { values } = parseArgs({ options: { phone: { type: 'string' } } });
if (!values.phone) {
  console.error('usage: npm run create-owner -- --phone 13800000000');
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(78);
}
let exitCode = 0;
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite` });
try {
  await migrate(database);
  const services = createServices({ db: database.db, config, log: pino({ level: 'silent' }) });
  await inTransaction(database.db, (tx) => services.rules.ensureInitial(tx));
  // 12 characters from an unambiguous alphabet: typed once, then replaced
  const oneTimePassword = randomCode('abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', 12);
  const owner = await services.members.createFirstOwner(values.phone, oneTimePassword);
  console.log(`owner created: member ${owner.id}, phone ${owner.phone}`);
  console.log(`one-time password: ${oneTimePassword}`);
  console.log('sign in at /admin/ with it; you will be asked to choose a new password and, in production, to set up a second factor.');
} catch (error) {
  if (error instanceof AppError) {
    console.error(`${error.code}: ${error.message}`);
    exitCode = 1;
  } else throw error;
} finally {
  await database.close();
}
process.exit(exitCode);
