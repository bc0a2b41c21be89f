// Provider statements in the console: bills fetched, and every difference against our records.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';
import type { Auth } from '../auth.js';

export function statementRoutes(_app: FastifyInstance, _s: Services, _auth: Auth) {}
