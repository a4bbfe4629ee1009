import path from 'node:path';
import { describeValue } from '../../../core/describe-value.js';
import type { GpuDevice } from './devices.js';

/** NVIDIA_SMI_ARGS asks nvidia-smi for one CSV line per GPU, without header or units (memory in MiB). */
export const NVIDIA_SMI_ARGS: readonly string[] = [
  '--query-gpu=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu',
  '--format=csv,noheader,nounits',
];

/** NVIDIA_SMI is the command's default name, looked up on PATH. */
export const NVIDIA_SMI = 'nvidia-smi';

/**
 * nvidiaSmiCommands lists where to look for nvidia-smi, in order. The configured command comes first. On Windows,
 * when it is the default name, the driver's own NVSMI folder follows: older drivers installed nvidia-smi only
 * there (`%ProgramFiles%\NVIDIA Corporation\NVSMI\nvidia-smi.exe`), not on PATH.
 */
export function nvidiaSmiCommands(command: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform !== 'win32' || command !== NVIDIA_SMI) return [command];
  const programFiles = env['ProgramW6432'] || env['ProgramFiles'] || 'C:\\Program Files';
  return [command, path.win32.join(programFiles, 'NVIDIA Corporation', 'NVSMI', 'nvidia-smi.exe')];
}

const MIB = 1024 * 1024;
/** MAX_MIB keeps bytes a safe integer (whole bytes, as the hub's fields must be): 8 PiB, far beyond any GPU. */
const MAX_MIB = Math.floor(Number.MAX_SAFE_INTEGER / MIB);
const NUMBER = /^-?\d+(?:\.\d+)?$/;

/**
 * parseNvidiaSmi reads the output of `nvidia-smi` run with NVIDIA_SMI_ARGS. A value in square brackets
 * (`[N/A]`, `[Not Supported]`, `[Unknown Error]`...) or `N/A` is one nvidia-smi could not read: null. It throws
 * an Error naming the line for anything else it does not understand. A comma inside the name is allowed.
 */
export function parseNvidiaSmi(text: string): GpuDevice[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const devices: GpuDevice[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    const where = `line ${i + 1}`;
    const parts = line.split(',').map((part) => part.trim());
    if (parts.length < 6) throw new Error(`${where}: expected 6 comma-separated values, got ${parts.length}: ${describeValue(line)}`);
    const [first, ...rest] = parts;
    const numbers = rest.splice(-4);
    const value = (text: string, what: string, min: number, max = Infinity): number | null => {
      if (text === 'N/A' || /^\[.*\]$/.test(text)) return null;
      const n = Number(text);
      if (!NUMBER.test(text) || n < min || n > max) throw new Error(`${where}: ${what}: expected a number, got ${describeValue(text)}`);
      return n;
    };
    const index = value(first ?? '', 'index', 0);
    if (index === null || !Number.isSafeInteger(index)) throw new Error(`${where}: index: expected an integer, got ${describeValue(first ?? '')}`);
    const [total, used, util, temp] = numbers as [string, string, string, string];
    const bytes = (mib: number | null) => (mib === null ? null : Math.round(mib * MIB));
    // The name as printed, commas and spacing kept: what lies between the first comma and the last four.
    let cut = line.length;
    for (let i = 0; i < 4; i++) cut = line.lastIndexOf(',', cut - 1);
    const name = rest.length === 0 ? '' : line.slice(line.indexOf(',') + 1, cut).trim();
    devices.push({
      index,
      name: name === '' || name === 'N/A' || /^\[.*\]$/.test(name) ? null : name,
      vram_total_bytes: bytes(value(total, 'memory.total', 0, MAX_MIB)),
      vram_used_bytes: bytes(value(used, 'memory.used', 0, MAX_MIB)),
      util_percent: value(util, 'utilization.gpu', 0, 100),
      temperature_c: value(temp, 'temperature.gpu', -273),
    });
  });
  return devices;
}
