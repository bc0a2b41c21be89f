// Payout providers' callbacks and the receiver's side of a WeChat transfer.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import type { Auth } from '../auth.js';

export function payoutChannelRoutes(_app: FastifyInstance, _s: Services, _auth: Auth) {}
