// Where picture files go: the MediaStorage port, files in the data folder (served by this server
// under /media), and memory (a data folder of memory://, as in tests). The S3 adapter is
// storage-s3.ts. Keys are ours (media service), but every adapter checks them anyway: a key is
// path segments of letters, digits, - and _, ending in a known extension — never `..`, never absolute.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

export interface StoredObject {
  body: Buffer;
  contentType: string;
}

export interface MediaStorage {
  readonly kind: 'local' | 'memory' | 's3';
  /** Writes an object; the same key is never written twice with other bytes (keys are random). */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The bytes of an object this server serves itself (/media); undefined when unknown. Absent: the browser loads from the bucket. */
  read?(key: string): Promise<StoredObject | undefined>;
  /** The bytes of an object for the server's own use (a poster draws a picture), wherever it is kept; undefined when unknown. */
  load(key: string): Promise<StoredObject | undefined>;
}

export const CONTENT_TYPES: Record<string, string> = { webp: 'image/webp', png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif' };
const KEY = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*\.(webp|png|jpg|gif)$/;

/** A key's content type, or undefined when the key is not one a storage holds. */
export function contentTypeOfKey(key: string): string | undefined {
  const match = KEY.exec(key);
  return match && key.length <= 200 ? CONTENT_TYPES[match[1]] : undefined;
}

function checkedKey(key: string): string {
  if (!contentTypeOfKey(key)) throw new Error(`not a media key: ${JSON.stringify(key.slice(0, 80))}`);
  return key;
}

/** Files under root (DATA_DIR/media): written to a temporary name first, then renamed, so a reader never sees half a file. */
export class LocalMediaStorage implements MediaStorage {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, ...checkedKey(key).split('/'));
    // the key pattern already rules it out; a second look costs nothing
    if (!path.startsWith(this.root + sep)) throw new Error('media key escapes the media folder');
    return path;
  }

  async put(key: string, body: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temporary, body);
    await rename(temporary, path);
  }

  async read(key: string): Promise<StoredObject | undefined> {
    const contentType = contentTypeOfKey(key);
    if (!contentType) return undefined;
    try {
      return { body: await readFile(this.pathOf(key)), contentType };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
      throw error;
    }
  }

  load(key: string): Promise<StoredObject | undefined> {
    return this.read(key);
  }
}

/** Objects in this process only: for a data folder of memory:// (tests, a throwaway demo). */
export class MemoryMediaStorage implements MediaStorage {
  readonly kind = 'memory' as const;
  private readonly objects = new Map<string, StoredObject>();

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    this.objects.set(checkedKey(key), { body, contentType });
  }

  async read(key: string): Promise<StoredObject | undefined> {
    return this.objects.get(key);
  }

  load(key: string): Promise<StoredObject | undefined> {
    return this.read(key);
  }
}
