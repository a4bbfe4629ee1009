import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

// Every folder made here is removed after the test file that made it, whether its tests passed or not, so the
// suite leaves its temp directory as it found it (test/global-setup.ts checks).
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** tempDir makes a fresh folder named `<prefix>XXXXXX` in the temp directory, removed after this test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
