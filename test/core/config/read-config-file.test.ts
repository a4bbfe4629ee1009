import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../src/core/config/load-config.js';
import { ErrorCode } from '../../../src/core/errors.js';
import { cliEnv, runCli } from '../../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sidecar-read-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JSON_TEXT = '{"agent":{"id":"é-box"}}';
let n = 0;
function fileWith(bytes: Buffer | string): string {
  const file = path.join(dir, `config-${++n}.json`);
  writeFileSync(file, bytes);
  return file;
}
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const utf32le = (text: string) => Buffer.concat([...text].map((c) => Buffer.from(new Uint32Array([c.codePointAt(0)!]).buffer)));

describe('readConfigFile: encodings', () => {
  it.each([
    ['UTF-8', Buffer.from(JSON_TEXT)],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON_TEXT)])],
    ['UTF-16 LE with a BOM (PowerShell 5 >)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON_TEXT, 'utf16le')])],
    ['UTF-16 BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(JSON_TEXT)])],
    ['UTF-16 LE without a BOM', Buffer.from(JSON_TEXT, 'utf16le')],
    ['UTF-16 BE without a BOM', utf16be(JSON_TEXT)],
  ])('reads %s', async (_name, bytes) => {
    await expect(readConfigFile(fileWith(bytes))).resolves.toBe(JSON_TEXT);
  });

  it.each([
    ['UTF-32 LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le(JSON_TEXT)]), /: is UTF-32 LE, which is not supported; save it as UTF-8/],
    ['UTF-32 LE without a BOM', utf32le(JSON_TEXT), /: is UTF-32 LE, which is not supported/],
    ['UTF-32 BE with a BOM', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32le(JSON_TEXT).swap32()]), /: is UTF-32 BE, which is not supported/],
    ['Latin-1 (invalid UTF-8)', Buffer.from('{"agent":{"id":"\xe9"}}', 'latin1'), /: is not valid UTF-8 \(first bad byte at offset 16\); save it as UTF-8/],
    ['a truncated UTF-16 file', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON_TEXT, 'utf16le').subarray(0, 9)]), /UTF-16 LE text with an odd number of bytes/],
  ])('refuses %s in one line naming the file', async (_name, bytes, message) => {
    const file = fileWith(bytes);
    const error = (await readConfigFile(file).catch((err: unknown) => err)) as Error & { code: string };
    expect(error).toMatchObject({ code: ErrorCode.CONFIG_ENCODING });
    expect(error.message.startsWith(`${file}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });
});

describe('readConfigFile: bounded', () => {
  it.each([
    ['/dev/zero', () => '/dev/zero', /: is a character device, not a regular file/],
    ['a FIFO nobody writes to', () => {
      const fifo = path.join(dir, 'fifo.json');
      execFileSync('mkfifo', [fifo]);
      return fifo;
    }, /: is a FIFO \(named pipe\), not a regular file/],
    ['a 5 GB (sparse) file', () => {
      const big = fileWith('');
      truncateSync(big, 5 * 1024 ** 3);
      return big;
    }, /: is 5368709120 bytes; a config is at most 1 MiB/],
    ['a directory', () => dir, /: is a directory, not a regular file/],
  ])('refuses %s within a second, without reading it', async (_name, make, message) => {
    const file = make();
    const started = performance.now();
    const error = (await readConfigFile(file).catch((err: unknown) => err)) as Error & { code: string };
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: ErrorCode.CONFIG_UNREADABLE });
    expect(error.message).toMatch(message);
  });

  it('refuses 1 MiB and one byte, reads 1 MiB', async () => {
    const limit = 1024 * 1024;
    const exact = `{"agent":{"id":"a"}}${' '.repeat(limit - 20)}`;
    await expect(readConfigFile(fileWith(exact))).resolves.toHaveLength(limit);
    await expect(readConfigFile(fileWith(`${exact} `))).rejects.toThrow(/is 1048577 bytes; a config is at most 1 MiB/);
  });

  // The time bound is the in-process test's above: a CLI's wall time here is mostly Node's start-up on a busy machine.
  it('sidecar validate --config /dev/zero: one line, exit 2', async () => {
    const result = await runCli(['validate', '--config', '/dev/zero'], { env: cliEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('/dev/zero: is a character device, not a regular file; a config must be a regular file');
  });
});
