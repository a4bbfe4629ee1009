import { describeValue } from '../../../core/describe-value.js';
import { ToolNotFoundError, type RunTool } from '../shared/run-tool.js';
import type { GpuDevice } from './devices.js';
import { parseOutput, type GpuSource } from './gpu-source.js';
import { isIoregDictionary, parseIoregText, type IoregDictionary } from './ioreg-text.js';

/** IOREG is macOS's ioreg, by absolute path (a launchd job's PATH is short); IOREG_ARGS list every GPU, unwrapped. */
export const IOREG = '/usr/sbin/ioreg';
export const IOREG_ARGS: readonly string[] = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'];
/** SYSCTL and WIRED_LIMIT_ARGS read the GPU's wired-memory limit in MiB, which an operator may have set (0: not set). */
export const SYSCTL = '/usr/sbin/sysctl';
export const WIRED_LIMIT_ARGS: readonly string[] = ['-n', 'iogpu.wired_limit_mb'];

const MIB = 1024 * 1024;
const UTILIZATION = 'Device Utilization %';
const IN_USE = 'In use system memory';

/** reading is a whole number in [0, max] or null when absent; anything else is an Error naming where it was. */
function reading(stats: IoregDictionary, key: string, where: string, max: number): number | null {
  const value = stats[key];
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new Error(`${where}: "${key}": expected a whole number from 0 to ${max}, got ${describeValue(typeof value === 'bigint' ? String(value) : value)}`);
  }
  return value;
}

/**
 * parseAppleIoreg reads `ioreg -r -d 1 -w 0 -c IOAccelerator` into one device per accelerator that has
 * "PerformanceStatistics" (an entry without it is a helper, not a GPU): utilisation from "Device Utilization %",
 * memory in use from "In use system memory" (not the "(driver)" reading beside it, nor "Alloc system memory",
 * which is what was allocated, not what is in use), the name from "model". Apple's GPUs share the system's
 * memory and report no VRAM total or temperature: `wiredLimitMib` (the `iogpu.wired_limit_mb` an operator set;
 * null when not set) is the total where exactly one GPU is listed, otherwise the total is null. It throws an
 * Error naming the entry and key for a value that is there but not a number in range.
 */
export function parseAppleIoreg(text: string, wiredLimitMib: number | null): GpuDevice[] {
  const accelerators = parseIoregText(text).filter((node) => isIoregDictionary(node.properties['PerformanceStatistics']));
  return accelerators.map((node, index) => {
    const stats = node.properties['PerformanceStatistics'] as IoregDictionary;
    const model = node.properties['model'];
    return {
      index,
      name: typeof model === 'string' && model.trim() !== '' ? model.trim() : null,
      vram_total_bytes: wiredLimitMib !== null && accelerators.length === 1 ? wiredLimitMib * MIB : null,
      vram_used_bytes: reading(stats, IN_USE, node.name, Number.MAX_SAFE_INTEGER),
      util_percent: reading(stats, UTILIZATION, node.name, 100),
      temperature_c: null,
    };
  });
}

/**
 * parseWiredLimit reads the output of `sysctl -n iogpu.wired_limit_mb`: a positive number of MiB, or null for 0
 * (no limit set: the GPU may use macOS's default share, which no counter states) or anything else.
 */
export function parseWiredLimit(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const mib = Number(trimmed);
  return mib > 0 && Number.isSafeInteger(mib * MIB) ? mib : null;
}

/**
 * appleIoregSource reads Apple's GPUs (and any other macOS accelerator that reports the same statistics) through
 * ioreg, and their memory limit through sysctl, both run directly under the collection's deadline. Absent when
 * ioreg is (not macOS).
 */
export function appleIoregSource(run: RunTool): GpuSource {
  return {
    name: IOREG,
    async read(signal) {
      let text: string;
      try {
        text = await run(IOREG, IOREG_ARGS, signal);
      } catch (err) {
        if (err instanceof ToolNotFoundError) return undefined;
        throw err;
      }
      const limit = await wiredLimit(run, signal);
      return parseOutput(IOREG, text, (output) => parseAppleIoreg(output, limit));
    },
  };
}

/** wiredLimit is the operator's GPU memory limit in MiB, or null where sysctl has no such key (Intel, older macOS). */
async function wiredLimit(run: RunTool, signal: AbortSignal): Promise<number | null> {
  try {
    return parseWiredLimit(await run(SYSCTL, WIRED_LIMIT_ARGS, signal));
  } catch (err) {
    // "unknown oid" is no limit to report; the deadline passing is the collection's failure, not a null.
    if (signal.aborted) throw err;
    return null;
  }
}
