// HTTP routes of the dealers feature.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import type { Auth } from '../auth.js';

export function dealersRoutes(_app: FastifyInstance, _s: Services, _auth: Auth) {}
