import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/core/errors.js';
import { loadPlugin } from '../../../src/core/plugins/load-plugin.js';
import { isPathSpecifier, pluginFileUrl, pluginPathTarget } from '../../../src/core/plugins/plugin-path.js';

const CONFIG_DIR = 'C:\\cfg\\sidecar';

describe('isPathSpecifier: Windows and POSIX paths are paths, whatever OS reads the file', () => {
  it.each([
    './plugins/du.js', '../du.js', '.\\plugins\\du.js', '..\\cfg\\plugins\\du.js', '/opt/du.js',
    'C:\\plug\\du.js', 'C:/plug/du.js', 'Z:\\plug\\du.js', 'z:/du.js', '\\\\?\\Z:\\plug\\du.js', '\\\\server\\share\\du.js',
  ])('%s is a path', (spec) => {
    expect(isPathSpecifier(spec)).toBe(true);
  });

  it.each(['cpu', 'sidecar-plugin-du', '@acme/du', '@acme/du/extra', '.hidden', 'C:du.js', 'plugins/du.js'])('%s is not a path', (spec) => {
    expect(isPathSpecifier(spec)).toBe(false);
  });
});

describe('pluginPathTarget with path.win32', () => {
  it.each([
    ['.\\plugins\\du.js', 'C:\\cfg\\sidecar\\plugins\\du.js'],
    ['./plugins/du.js', 'C:\\cfg\\sidecar\\plugins\\du.js'],
    ['..\\cfg\\plugins\\du.js', 'C:\\cfg\\cfg\\plugins\\du.js'],
    ['C:\\plug\\du.js', 'C:\\plug\\du.js'],
    ['C:/plug/du.js', 'C:\\plug\\du.js'],
    ['Z:\\home\\me\\du.js', 'Z:\\home\\me\\du.js'],
    ['\\\\?\\Z:\\home\\me\\du.js', 'Z:\\home\\me\\du.js'],
    ['\\\\?\\UNC\\server\\share\\du.js', '\\\\server\\share\\du.js'],
    ['\\\\server\\share\\du.js', '\\\\server\\share\\du.js'],
    ['/plug/du.js', 'C:\\plug\\du.js'],
  ])('%s from C:\\cfg\\sidecar is %s', (spec, expected) => {
    expect(pluginPathTarget(spec, CONFIG_DIR, path.win32)).toBe(expected);
  });

  it('imports through a file URL, which a bare drive path is not', () => {
    expect(pluginFileUrl('C:\\plug\\du.js', path.win32)).toBe('file:///C:/plug/du.js');
    expect(pluginFileUrl('Z:\\my plugins\\du#1.js', path.win32)).toBe('file:///Z:/my%20plugins/du%231.js');
    expect(pluginFileUrl('\\\\server\\share\\du.js', path.win32)).toBe('file://server/share/du.js');
  });
});

describe('pluginPathTarget with path.posix', () => {
  it('reads the backslashes of a .\\ or ..\\ path as separators', () => {
    expect(pluginPathTarget('.\\plugins\\du.js', '/etc/sidecar', path.posix)).toBe('/etc/sidecar/plugins/du.js');
    expect(pluginPathTarget('..\\cfg\\du.js', '/etc/sidecar', path.posix)).toBe('/etc/cfg/du.js');
    expect(pluginPathTarget('/opt/du.js', '/etc/sidecar', path.posix)).toBe('/opt/du.js');
  });

  it('refuses a drive path with a line saying why', () => {
    expect(() => pluginPathTarget('C:\\plug\\du.js', '/etc/sidecar', path.posix)).toThrow(
      expect.objectContaining({ code: ErrorCode.PLUGIN_NOT_FOUND, message: expect.stringContaining('is a Windows path') }),
    );
  });
});

describe('loadPlugin by a .\\ path on this OS', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads the module', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sidecar-plugin-path-'));
    mkdirSync(path.join(dir, 'plugins'));
    const manifest = `export default { apiVersion: 1, kind: 'collector', name: 'du', fields: ['du_bytes'], create: () => ({ collect: () => ({ du_bytes: 1 }) }) };`;
    writeFileSync(path.join(dir, 'plugins', 'du.js'), manifest);
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    const loaded = await loadPlugin('.\\plugins\\du.js', dir, new Map());
    expect(loaded).toMatchObject({ source: 'path', manifest: { name: 'du' } });
    expect(loaded.location).toBe(path.join(dir, 'plugins', 'du.js'));
  });
});
