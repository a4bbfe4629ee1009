import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, SidecarError } from '../../../src/core/errors.js';
import { loadPlugin } from '../../../src/core/plugins/load-plugin.js';
import { parseSourceHeader } from '../../../src/core/plugins/syntax-error-location.js';
import { runCli } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sidecar-syntax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function importError(name: string, source: string): Promise<SidecarError> {
  writeFileSync(join(dir, name), source);
  const err = await loadPlugin(`./${name}`, dir, new Map(), { installDir: dir }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SidecarError);
  expect((err as SidecarError).code).toBe(ErrorCode.PLUGIN_IMPORT_FAILED);
  return err as SidecarError;
}

describe('a plugin with a syntax error', () => {
  it('is reported with file, line and column, as an ES module', async () => {
    const err = await importError('broken.mjs', "export default {\n  apiVersion: 1,\n  kind: 'collector'\n  name: 'broken',\n};\n");
    const file = join(dir, 'broken.mjs');
    expect(err.message).toBe(`plugin "./broken.mjs" failed to import ${file}: syntax error at ${file}:4:3: Unexpected identifier 'name'`);
  });

  it('is reported with file, line and column, as CommonJS', async () => {
    const err = await importError('broken.cjs', 'module.exports = {\n  apiVersion: 1,,\n};\n');
    const file = join(dir, 'broken.cjs');
    expect(err.message).toBe(`plugin "./broken.cjs" failed to import ${file}: syntax error at ${file}:2:17: Unexpected token ','`);
  });

  it('names the imported file where the error is, when Node says', async () => {
    writeFileSync(join(dir, 'helper.cjs'), 'exports.x = (;\n');
    const err = await importError('uses-helper.cjs', "require('./helper.cjs');\nmodule.exports = {};\n");
    expect(err.message).toContain(`syntax error at ${join(dir, 'helper.cjs')}:1:14: Unexpected token ';'`);
  });

  it('is not located when it is not a syntax error', async () => {
    const err = await importError('throws.mjs', "throw new Error('no device');\n");
    expect(err.message).toBe(`plugin "./throws.mjs" failed to import ${join(dir, 'throws.mjs')}: no device`);
  });
});

describe('sidecar validate, with a plugin that does not parse (Node loading it, not the test runner)', () => {
  it('prints one line with file, line and column, for ES modules and CommonJS', async () => {
    writeFileSync(join(dir, 'cli-broken.mjs'), "export default {\n  kind: 'collector'\n  name: 'broken',\n};\n");
    writeFileSync(join(dir, 'cli-broken.cjs'), 'module.exports = {\n  apiVersion: 1,,\n};\n');
    const config = join(dir, 'plugins.json');
    writeFileSync(config, JSON.stringify({ collectors: [{ plugin: './cli-broken.mjs' }, { plugin: './cli-broken.cjs' }] }));
    const run = await runCli(['validate', '--config', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`collectors[0]: plugin "./cli-broken.mjs" failed to import ${join(dir, 'cli-broken.mjs')}: syntax error at ${join(dir, 'cli-broken.mjs')}:3:3: Unexpected identifier 'name'`);
    expect(run.stderr).toContain(`collectors[1]: plugin "./cli-broken.cjs" failed to import ${join(dir, 'cli-broken.cjs')}: syntax error at ${join(dir, 'cli-broken.cjs')}:2:17: Unexpected token ','`);
  });
});

describe('parseSourceHeader', () => {
  it('reads the file, the line and the caret column, tabs counted as one', () => {
    expect(parseSourceHeader("/x/p.mjs:3\n\tb: 2,\n\t^\n\nSyntaxError: Unexpected identifier 'b'\n    at x")).toEqual({ file: '/x/p.mjs', line: 3, column: 2, message: "Unexpected identifier 'b'" });
    expect(parseSourceHeader('C:\\x\\p.mjs:12\r\n  foo bar\r\n      ^^^\r\n\r\nSyntaxError: Unexpected identifier\r\n')).toEqual({ file: 'C:\\x\\p.mjs', line: 12, column: 7, message: 'Unexpected identifier' });
    expect(parseSourceHeader('SyntaxError: Unexpected token')).toBeUndefined();
  });
});
