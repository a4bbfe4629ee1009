import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAmdSysfs } from '../../../../src/plugins/collectors/gpu/amd-sysfs.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** sysfs builds a fake sysfs tree in a temporary folder: `files` maps paths under it to their contents. */
function sysfs(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sidecar-sysfs-'));
  roots.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** amdCard is one amdgpu card as the driver lays it out (values end with a newline, as sysfs prints them). */
function amdCard(n: number, values: { total?: string; used?: string; busy?: string; temp?: string; name?: string; vendor?: string }) {
  const dev = `class/drm/card${n}/device`;
  const files: Record<string, string> = { [`${dev}/vendor`]: `${values.vendor ?? '0x1002'}\n` };
  if (values.total !== undefined) files[`${dev}/mem_info_vram_total`] = `${values.total}\n`;
  if (values.used !== undefined) files[`${dev}/mem_info_vram_used`] = `${values.used}\n`;
  if (values.busy !== undefined) files[`${dev}/gpu_busy_percent`] = `${values.busy}\n`;
  if (values.temp !== undefined) files[`${dev}/hwmon/hwmon3/temp1_input`] = `${values.temp}\n`;
  if (values.name !== undefined) files[`${dev}/product_name`] = `${values.name}\n`;
  return files;
}

const never = () => new AbortController().signal;

describe('readAmdSysfs', () => {
  it('reads one device per AMD card: VRAM in bytes, busy percent, temperature from millidegrees', async () => {
    const root = sysfs({
      ...amdCard(1, { total: '25753026560', used: '8657338368', busy: '12', temp: '45000' }),
      ...amdCard(0, { total: '17163091968', used: '1073741824', busy: '0', temp: '38500', name: 'AMD Radeon PRO W7800' }),
      // A connector and a render node beside the cards: not GPUs.
      'class/drm/card0-DP-1/status': 'connected\n',
      'class/drm/renderD128/dev': '226:128\n',
      'class/drm/version': 'drm 1.1.0 20060810\n',
    });
    expect(await readAmdSysfs(root, never())).toEqual([
      { index: 0, name: 'AMD Radeon PRO W7800', vram_total_bytes: 17163091968, vram_used_bytes: 1073741824, util_percent: 0, temperature_c: 38.5 },
      { index: 1, name: null, vram_total_bytes: 25753026560, vram_used_bytes: 8657338368, util_percent: 12, temperature_c: 45 },
    ]);
  });

  it('skips other vendors\' cards, and is absent when no AMD card or no class/drm exists', async () => {
    const intel = amdCard(0, { vendor: '0x8086', total: '1', used: '1', busy: '1' });
    expect(await readAmdSysfs(sysfs(intel), never())).toBeUndefined();
    expect(await readAmdSysfs(sysfs({ 'class/net/lo/mtu': '65536\n' }), never())).toBeUndefined();
    const mixed = sysfs({ ...intel, ...amdCard(1, { total: '1024', used: '0', busy: '3' }) });
    expect((await readAmdSysfs(mixed, never()))?.map((d) => d.index)).toEqual([1]);
  });

  it('follows the links sysfs has: class/drm/cardN into the PCI device tree, and its device link back up', async () => {
    // As the kernel lays it out: /sys/class/drm/card0 -> ../../devices/pci0000:00/0000:00:01.0/0000:03:00.0/drm/card0,
    // whose `device` -> ../../../0000:03:00.0, the PCI device holding the driver's files.
    const pci = 'devices/pci0000:00/0000:00:01.0/0000:03:00.0';
    const root = sysfs({
      [`${pci}/vendor`]: '0x1002\n',
      [`${pci}/mem_info_vram_total`]: '8573157376\n',
      [`${pci}/mem_info_vram_used`]: '402653184\n',
      [`${pci}/gpu_busy_percent`]: '7\n',
      [`${pci}/hwmon/hwmon2/temp1_input`]: '51000\n',
    });
    mkdirSync(path.join(root, pci, 'drm', 'card0'), { recursive: true });
    symlinkSync('../../../0000:03:00.0', path.join(root, pci, 'drm', 'card0', 'device'));
    mkdirSync(path.join(root, 'class', 'drm'), { recursive: true });
    symlinkSync(`../../${pci}/drm/card0`, path.join(root, 'class', 'drm', 'card0'));
    expect(await readAmdSysfs(root, never())).toEqual([
      { index: 0, name: null, vram_total_bytes: 8573157376, vram_used_bytes: 402653184, util_percent: 7, temperature_c: 51 },
    ]);
  });

  it('reports null for what a card does not have (an old card, a sensor asleep), never a guess', async () => {
    const root = sysfs(amdCard(0, {}));
    expect(await readAmdSysfs(root, never())).toEqual([
      { index: 0, name: null, vram_total_bytes: null, vram_used_bytes: null, util_percent: null, temperature_c: null },
    ]);
  });

  it('refuses a value that is there but not a number in range, naming the file', async () => {
    const root = sysfs(amdCard(0, { total: 'lots', used: '0', busy: '1' }));
    await expect(readAmdSysfs(root, never())).rejects.toThrow(`${path.join(root, 'class/drm/card0/device/mem_info_vram_total')}: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "lots"`);
    const busy = sysfs(amdCard(0, { total: '1', used: '0', busy: '101' }));
    await expect(readAmdSysfs(busy, never())).rejects.toThrow(/gpu_busy_percent: expected a whole number from 0 to 100, got "101"/);
  });

  it('stops when the signal has aborted', async () => {
    const root = sysfs(amdCard(0, { total: '1', used: '0', busy: '1' }));
    await expect(readAmdSysfs(root, AbortSignal.abort(new Error('did not answer within 5 ms')))).rejects.toThrow('did not answer within 5 ms');
  });
});
