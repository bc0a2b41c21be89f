// Parcel tracking (src/modules/orders/tracking*.ts): 快递100 when configured; the dev provider only
// outside production, for the demo; otherwise none (parcels are recorded, nothing is subscribed).
// docs/going-live.md explains each setting.
import { z } from 'zod';
import type { ConfigProblem } from './config-checks.js';

export const trackingEnvSchema = z.object({
  TRACKING_PROVIDER: z.enum(['off', 'dev', 'kuaidi100']).optional(),
  KUAIDI100_KEY: z.string().optional(),
  KUAIDI100_CUSTOMER: z.string().optional(),
  /** signs 快递100's pushes to our callback: random, at least 16 characters */
  KUAIDI100_SALT: z.string().optional(),
  KUAIDI100_BASE_URL: z.string().url().optional(),
  KUAIDI100_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(5000),
});
export type TrackingEnv = z.infer<typeof trackingEnvSchema>;

export type TrackingConfig =
  | { provider: 'off' }
  | { provider: 'dev' }
  | { provider: 'kuaidi100'; key: string; customer: string; salt: string; baseUrl?: string; timeoutMs: number; callbackUrl: string };

/** The callback path 快递100 pushes to, on PUBLIC_URL. */
export const KUAIDI100_CALLBACK_PATH = '/api/tracking/kuaidi100/callback';

export function trackingConfig(env: TrackingEnv, context: { publicUrl?: string; production: boolean }): { config: TrackingConfig; problems: ConfigProblem[] } {
  const provider = env.TRACKING_PROVIDER ?? (context.production ? 'off' : 'dev');
  const problems: ConfigProblem[] = [];
  if (provider === 'dev') {
    if (context.production) problems.push({ setting: 'TRACKING_PROVIDER', problem: 'dev makes up parcel paths; use kuaidi100 or off in production' });
    return { config: { provider: 'dev' }, problems };
  }
  if (provider === 'off') return { config: { provider: 'off' }, problems };
  for (const name of ['KUAIDI100_KEY', 'KUAIDI100_CUSTOMER', 'KUAIDI100_SALT'] as const) if (!env[name]) problems.push({ setting: name, problem: 'is required by the configured provider' });
  if (env.KUAIDI100_SALT && env.KUAIDI100_SALT.length < 16) problems.push({ setting: 'KUAIDI100_SALT', problem: 'must be at least 16 random characters (it is what tells a real push from a forged one)' });
  if (!context.publicUrl) problems.push({ setting: 'PUBLIC_URL', problem: '快递100 pushes tracking to PUBLIC_URL' + KUAIDI100_CALLBACK_PATH + '; set it' });
  return {
    config: {
      provider: 'kuaidi100',
      key: env.KUAIDI100_KEY ?? '',
      customer: env.KUAIDI100_CUSTOMER ?? '',
      salt: env.KUAIDI100_SALT ?? '',
      baseUrl: env.KUAIDI100_BASE_URL,
      timeoutMs: env.KUAIDI100_TIMEOUT_MS,
      callbackUrl: `${(context.publicUrl ?? 'http://localhost').replace(/\/+$/, '')}${KUAIDI100_CALLBACK_PATH}`,
    },
    problems,
  };
}
