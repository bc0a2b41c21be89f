// Every error leaves as JSON {code, message} with the right status; internals never leak.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isCachedPlanChange, isConnectionError } from '../db/database.js';
import { AppError } from '../errors.js';

export function errorHandler(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    // a limit says when to come back, as a header and in the body
    const retryAfterSeconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retryAfterSeconds === 'number') {
      return reply.status(error.status).header('retry-after', String(retryAfterSeconds)).send({ code: error.code, message: error.message, retryAfterSeconds });
    }
    return reply.status(error.status).send({ code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
  }
  const fe = error as FastifyError & { validation?: unknown; code?: string; constraint?: string };
  if (fe.validation) {
    return reply.status(400).send({ code: 'VALIDATION_FAILED', message: fe.message, details: fe.validation });
  }
  if (fe.statusCode === 429) {
    return reply.status(429).send({ code: 'RATE_LIMITED', message: 'too many requests, slow down' });
  }
  if (fe.code === '23505') {
    return reply.status(409).send({ code: 'CONFLICT', message: 'this would duplicate an existing record' });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return reply.status(fe.statusCode).send({ code: fe.code ?? 'BAD_REQUEST', message: fe.message });
  }
  // the database, not the request: a restart, failover or dropped connection (or a migration
  // deployed under a prepared statement). Nothing was wrong with the request and every money path is
  // idempotent, so the client sends it again; new requests succeed as soon as the database is back
  if (isConnectionError(error)) {
    request.log.warn({ err: { code: fe.code, message: error.message } }, 'database unavailable');
    return reply.status(503).header('retry-after', '1').send({ code: 'DATABASE_UNAVAILABLE', message: 'the database is unavailable for a moment; send the request again', retryAfterSeconds: 1 });
  }
  if (isCachedPlanChange(error)) {
    request.log.warn({ err: { code: fe.code, message: error.message } }, 'statement refused after a schema change');
    return reply.status(503).header('retry-after', '1').send({ code: 'DATABASE_SCHEMA_CHANGED', message: 'the database schema changed under this request; send it again', retryAfterSeconds: 1 });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send({ code: 'INTERNAL', message: 'something went wrong on our side' });
}
