// An idempotency key names one request: a replay must be that request again. These helpers compare
// the money-bearing fields of a replay with those of the request that made the record, either
// directly (fields the record keeps) or through a fingerprint (a sha256 per field, kept beside the key).
import { createHash } from 'node:crypto';
import { conflict } from '../../errors.js';

export type RequestFields = Record<string, unknown>;
/** field name → base64url sha256 of its canonical JSON; absent (null) fields are left out */
export type Fingerprint = Record<string, string>;

/** JSON with object keys sorted and undefined as absent, so equal values have one text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function fingerprintOf(fields: RequestFields): Fingerprint {
  const digests: Fingerprint = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) digests[name] = createHash('sha256').update(canonicalJson(value)).digest('base64url');
  }
  return digests;
}

/** The fields (by default those of `given`) whose value differs from the stored one; absent is null. */
export function differingFields(stored: RequestFields, given: RequestFields, names = Object.keys(given)): string[] {
  return names.filter((name) => canonicalJson(stored[name]) !== canonicalJson(given[name]));
}

/** 409 IDEMPOTENCY_KEY_REUSED, naming the differing fields, unless the replay is the same request. */
export function assertSameRequest(what: string, stored: RequestFields, given: RequestFields, names?: string[]): void {
  const fields = differingFields(stored, given, names);
  if (fields.length === 0) return;
  throw conflict('IDEMPOTENCY_KEY_REUSED', `this idempotency key was used for another ${what}: ${fields.join(', ')} differ`, { fields });
}
