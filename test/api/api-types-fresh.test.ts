// web/shared/api-types.ts is generated from /openapi.json and checked in; it must match the server
// as it is now, so a changed route schema reaches the web apps' types in the same commit.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_COMMAND, API_TYPES_PATH, generateApiTypes } from '../../scripts/gen-api-types.js';

describe('web/shared/api-types.ts', () => {
  it('is what the server\'s /openapi.json generates now', async () => {
    const [checkedIn, fresh] = await Promise.all([readFile(API_TYPES_PATH, 'utf8').catch(() => ''), generateApiTypes()]);
    if (checkedIn !== fresh) {
      const a = checkedIn.split('\n');
      const b = fresh.split('\n');
      let line = 0;
      while (line < a.length && a[line] === b[line]) line++;
      expect.fail(
        `web/shared/api-types.ts is stale (first difference at line ${line + 1}: ${JSON.stringify(a[line] ?? '')} → ${JSON.stringify(b[line] ?? '')}). ` +
          `Run \`${API_TYPES_COMMAND}\` and commit the file.`,
      );
    }
  });
});
