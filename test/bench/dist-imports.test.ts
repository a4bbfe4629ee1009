import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The bench runs against dist/ as a fresh clone builds it, so every dist/ module it names must still be built
// from a source file: a bench that only worked with stale build output left behind would fail for a new user.
describe('bench scripts', () => {
  it('import only dist/ modules that the build produces', () => {
    const benchDirs = ['bench', 'bench/lib'];
    const missing: string[] = [];
    let seen = 0;
    for (const dir of benchDirs) {
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
        const file = path.join(dir, name);
        for (const [, spec] of readFileSync(file, 'utf8').matchAll(/['"]((?:\.\.\/)+dist\/[^'"]+\.js)['"]/g)) {
          seen++;
          const source = path.resolve(dir, spec!).replace(`${path.sep}dist${path.sep}`, `${path.sep}src${path.sep}`).replace(/\.js$/, '.ts');
          if (!existsSync(source)) missing.push(`${file}: ${spec} (no ${path.relative('.', source)})`);
        }
      }
    }
    expect(seen).toBeGreaterThan(3);
    expect(missing).toEqual([]);
  });
});
