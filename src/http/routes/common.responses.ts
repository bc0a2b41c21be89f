// Response building blocks for the feature routes (*.responses.ts beside each route file).
// The serializer encodes every reply through its schema (and fails on a mismatch), so a schema
// lists every field a service returns, with its nullability.
import { z } from 'zod';

/** A Date sent as its ISO string (what JSON.stringify sent before); `string` (date-time) in OpenAPI. */
export const dateTime = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

/** `{ items: [...] }`, the list shape most routes send. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** 204: no body (OpenAPI shows the response without content). */
export const noContent = z.undefined().describe('No content');

/** The bytes of a file; Fastify sends a Buffer as it is (no serializer runs). */
const fileBody = z.custom<Buffer>((value) => Buffer.isBuffer(value), 'file contents').meta({ type: 'string', format: 'binary' });
/** A file answer (export, poster): the body is the file, in one of these content types. */
export const file = (description: string, ...contentTypes: string[]) => ({
  description,
  content: Object.fromEntries(contentTypes.map((type) => [type, { schema: fileBody }])),
});
export const CSV = 'text/csv';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
