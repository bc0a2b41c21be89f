// HTTP routes of the contests feature.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import type { Auth } from '../auth.js';

export function contestsRoutes(_app: FastifyInstance, _s: Services, _auth: Auth) {}
