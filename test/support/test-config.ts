// The config every test app starts with; free of vitest so scripts (soak) can use it too.
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../src/config.js';

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    jwtSecret: randomBytes(32).toString('hex'),
    smsProvider: 'dev',
    devPaymentProvider: true,
    logLevel: 'silent',
    jobIntervalMs: 0,
    // suites register and sign in hundreds of members from one address: limits tests set their own
    limits: { smsPerIpPerHour: 1_000_000, smsGlobalPerMinute: 1_000_000, loginPerIpPerMinute: 1_000_000, loginGlobalPerMinute: 1_000_000, checkoutPerMemberPerMinute: 1_000_000 },
    ...overrides,
  };
}
