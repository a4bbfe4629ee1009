import { describeValue } from '../../../core/describe-value.js';
import type { GpuDevice } from './devices.js';

/** ROCM_SMI_ARGS asks rocm-smi for VRAM (bytes), use, temperature and product name of every card, as JSON. */
export const ROCM_SMI_ARGS: readonly string[] = ['--showmeminfo', 'vram', '--showuse', '--showtemp', '--showproductname', '--json'];

const TOTAL = 'VRAM Total Memory (B)';
const USED = 'VRAM Total Used Memory (B)';
const USE = 'GPU use (%)';
// rocm-smi has spelt these differently across versions; the first one present wins.
const TEMPERATURES = [/^Temperature \(Sensor edge\) \(C\)$/i, /^Temperature \(Sensor junction\) \(C\)$/i];
const NAMES = ['Card Series', 'Card series', 'Device Name', 'Card Model', 'Card model'];
const NUMBER = /^-?\d+(?:\.\d+)?$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** reading reads one value rocm-smi gives as a numeric string (or number); missing or "N/A" is null. */
function reading(card: Record<string, unknown>, key: string, where: string, integer: boolean): number | null {
  const raw = card[key];
  if (raw === undefined || raw === null || raw === 'N/A') return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(n) || (integer && (!Number.isSafeInteger(n) || n < 0))) {
    throw new Error(`${where}."${key}": expected ${integer ? 'a non-negative integer' : 'a number'}, got ${describeValue(raw)}`);
  }
  return n;
}

/**
 * parseRocmSmi reads the output of `rocm-smi` run with ROCM_SMI_ARGS: a JSON object with one `cardN` entry per
 * GPU (other keys, such as `system`, are ignored), values as strings. Text printed around the JSON is skipped
 * (some versions print warnings before it, or a closing banner after it). A missing or "N/A" value is null; it throws an Error for output
 * that is not such JSON or holds a value that is not a number.
 */
export function parseRocmSmi(text: string): GpuDevice[] {
  const body = findJsonObject(text);
  if (body === undefined) throw new Error('expected a JSON object');
  if (!isObject(body)) throw new Error(`expected a JSON object, got ${describeValue(body)}`);
  const devices: GpuDevice[] = [];
  for (const [key, card] of Object.entries(body)) {
    const match = /^card(\d+)$/.exec(key);
    if (!match) continue;
    if (!isObject(card)) throw new Error(`${key}: expected an object, got ${describeValue(card)}`);
    const temperatureKey = TEMPERATURES.map((re) => Object.keys(card).find((k) => re.test(k))).find((k) => k !== undefined);
    const name = NAMES.map((k) => card[k]).find((v) => typeof v === 'string' && v.trim() !== '' && v !== 'N/A');
    const util = reading(card, USE, key, false);
    if (util !== null && (util < 0 || util > 100)) throw new Error(`${key}."${USE}": expected 0 to 100, got ${util}`);
    devices.push({
      index: Number(match[1]),
      name: typeof name === 'string' ? name.trim() : null,
      vram_total_bytes: reading(card, TOTAL, key, true),
      vram_used_bytes: reading(card, USED, key, true),
      util_percent: util,
      temperature_c: temperatureKey === undefined ? null : reading(card, temperatureKey, key, false),
    });
  }
  return devices.sort((a, b) => a.index - b.index);
}

/**
 * findJsonObject finds the JSON object in a tool's output: it starts on a line that starts with `{` (a warning
 * may hold a `{` mid-line, as in `config {foo} not found`) and ends at the last `}`. Undefined if there is none.
 */
function findJsonObject(text: string): unknown {
  const end = text.lastIndexOf('}');
  for (let start = 0, tries = 0; start < end && tries < 50; tries++) {
    const lineStart = text.lastIndexOf('\n', start) + 1;
    if (text.slice(lineStart, start).trim() === '') {
      try {
        return JSON.parse(text.slice(start, end + 1));
      } catch {
        // Not the JSON yet: try the next line that starts with "{".
      }
    }
    start = text.indexOf('{', start + 1);
    if (start < 0) break;
  }
  return undefined;
}
