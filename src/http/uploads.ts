// The one file of a multipart/form-data upload (@fastify/multipart, registered in app.ts), read whole;
// a file past the route's limit is refused while it streams in. Each route names its own codes.
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export interface UploadedFile {
  bytes: Buffer;
  filename: string;
}

export async function uploadedFile(req: FastifyRequest, limits: { maxBytes: number; missing: () => AppError; tooLarge: () => AppError }): Promise<UploadedFile> {
  if (!req.isMultipart()) throw limits.missing();
  const part = await req.file({ limits: { fileSize: limits.maxBytes, files: 1 } });
  if (!part) throw limits.missing();
  try {
    return { bytes: await part.toBuffer(), filename: part.filename };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw limits.tooLarge();
    throw error;
  }
}
