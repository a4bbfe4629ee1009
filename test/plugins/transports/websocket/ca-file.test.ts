import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../src/core/errors.js';
import { build } from './helpers.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('websocket transport: ca_file', () => {
  it('reads a PEM bundle relative to configDir, and refuses a missing or non-PEM file with a clear error', async () => {
    const dir = tempDir('ws-ca-');
    await writeFile(path.join(dir, 'ca.pem'), rootCertificates[0]!);
    await writeFile(path.join(dir, 'junk.pem'), 'hello');
    const ok = await build({ url: 'wss://hub.example:4000/ws', ca_file: 'ca.pem' }, { configDir: dir });
    await ok.transport.dispose?.();
    await expect(build({ url: 'wss://hub.example/ws', ca_file: 'missing.pem' }, { configDir: dir })).rejects.toMatchObject({
      code: ErrorCode.PLUGIN_OPTIONS_INVALID,
      message: expect.stringContaining(`${path.join(dir, 'missing.pem')}: file not found`),
    });
    await expect(build({ url: 'wss://hub.example/ws', ca_file: 'junk.pem' }, { configDir: dir })).rejects.toMatchObject({
      code: ErrorCode.PLUGIN_OPTIONS_INVALID,
      message: expect.stringContaining('no PEM certificate'),
    });
  });
});
