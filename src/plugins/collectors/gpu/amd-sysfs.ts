import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeValue } from '../../../core/describe-value.js';
import type { GpuDevice } from './devices.js';

/** AMD_VENDOR is the PCI vendor id of AMD/ATI as sysfs writes it. */
const AMD_VENDOR = '0x1002';
const CARD = /^card(\d+)$/;
const INTEGER = /^-?\d+$/;

/** read is a sysfs attribute's text, or null when it cannot be read (absent, or refused while the GPU sleeps). */
async function read(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return null;
  }
}

/** integer reads a whole-number attribute: null when unreadable, an Error naming the file when it is not a number in range. */
async function integer(file: string, min: number, max: number): Promise<number | null> {
  const text = await read(file);
  if (text === null) return null;
  const n = Number(text);
  if (!INTEGER.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`${file}: expected a whole number from ${min} to ${max}, got ${describeValue(text)}`);
  }
  return n;
}

/** temperature is the first hwmon sensor's temp1_input (the edge sensor on amdgpu), millidegrees to degrees. */
async function temperature(device: string): Promise<number | null> {
  let hwmons: string[];
  try {
    hwmons = (await readdir(path.join(device, 'hwmon'))).filter((name) => /^hwmon\d+$/.test(name)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch {
    return null;
  }
  for (const hwmon of hwmons) {
    const milli = await integer(path.join(device, 'hwmon', hwmon, 'temp1_input'), -273_000, 1_000_000);
    if (milli !== null) return milli / 1000;
  }
  return null;
}

/**
 * readAmdSysfs reads the amdgpu driver's own counters under `<sysfsRoot>/class/drm/cardN/device/`, for hosts
 * without ROCm: one device per `cardN` whose `vendor` is AMD's (connectors such as `card0-DP-1` and render nodes
 * are skipped), indexed by N: `mem_info_vram_total` and `mem_info_vram_used` (bytes), `gpu_busy_percent`, the
 * first `hwmon/hwmonM/temp1_input` (millidegrees) and `product_name` where the card has one. A value that cannot be
 * read is null; one that is there but not a number in range is an Error naming the file. It resolves undefined
 * when there is no AMD card at all (or no `class/drm`), which the collector treats like a missing tool.
 */
export async function readAmdSysfs(sysfsRoot: string, signal: AbortSignal): Promise<GpuDevice[] | undefined> {
  const drm = path.join(sysfsRoot, 'class', 'drm');
  let entries: string[];
  try {
    entries = await readdir(drm);
  } catch {
    return undefined;
  }
  const devices: GpuDevice[] = [];
  for (const entry of entries) {
    const card = CARD.exec(entry);
    if (!card) continue;
    signal.throwIfAborted();
    const device = path.join(drm, entry, 'device');
    if ((await read(path.join(device, 'vendor')))?.toLowerCase() !== AMD_VENDOR) continue;
    const name = await read(path.join(device, 'product_name'));
    devices.push({
      index: Number(card[1]),
      name: name ? name : null,
      vram_total_bytes: await integer(path.join(device, 'mem_info_vram_total'), 0, Number.MAX_SAFE_INTEGER),
      vram_used_bytes: await integer(path.join(device, 'mem_info_vram_used'), 0, Number.MAX_SAFE_INTEGER),
      util_percent: await integer(path.join(device, 'gpu_busy_percent'), 0, 100),
      temperature_c: await temperature(device),
    });
  }
  return devices.length === 0 ? undefined : devices.sort((a, b) => a.index - b.index);
}
