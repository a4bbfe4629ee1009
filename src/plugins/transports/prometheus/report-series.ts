import { RESERVED_FIELDS, type FieldValue, type ResourceReport } from '../../../plugin.js';

/** Series is one sample to expose: a metric name (without the prefix), its labels and its value. */
export interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** SeriesSpec describes one per-item metric: the item's key, the metric name and its help text. */
interface SeriesSpec {
  readonly key: string;
  readonly name: string;
  readonly help: string;
  readonly convert?: (value: FieldValue | undefined) => number | undefined;
}

/** num is a finite number, or undefined for null, missing, non-numeric or non-finite values. */
export function num(value: FieldValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** epochSeconds reads an RFC 3339 date string, or ms since the epoch (the report's convention), as seconds. */
function epochSeconds(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms / 1000 : undefined;
  }
  const ms = num(value);
  return ms === undefined ? undefined : ms / 1000;
}

/**
 * GPU_SERIES are the gauges made from each entry of `report.gpus`, labelled gpu and name. They are named
 * `gpu_device_*` (as DCGM-exporter's per-device metrics are `DCGM_FI_DEV_*`), so that they never take the names of
 * the gpu collector's own top-level fields `gpu_vram_used_bytes` (a sum) and `gpu_util_percent` (a mean): one
 * metric name must not hold both a total and its parts, or sum() over it would count everything twice.
 */
export const GPU_SERIES: readonly SeriesSpec[] = [
  { key: 'vram_total_bytes', name: 'gpu_device_vram_total_bytes', help: 'Memory of the GPU, in bytes.' },
  { key: 'vram_used_bytes', name: 'gpu_device_vram_used_bytes', help: 'Memory in use on the GPU, in bytes.' },
  { key: 'util_percent', name: 'gpu_device_util_percent', help: 'Utilisation of the GPU, 0-100.' },
  { key: 'temperature_c', name: 'gpu_device_temperature_celsius', help: 'Temperature of the GPU, in degrees Celsius.' },
];

/** MODEL_SERIES are the gauges made from each entry of `report.ollama_models`, labelled model. */
export const MODEL_SERIES: readonly SeriesSpec[] = [
  { key: 'size_bytes', name: 'ollama_model_size_bytes', help: 'Memory the loaded model takes, in bytes.' },
  { key: 'vram_bytes', name: 'ollama_model_vram_bytes', help: 'Part of the model held in GPU memory, in bytes.' },
  { key: 'gpu_share', name: 'ollama_model_gpu_share', help: 'Share of the model on the GPU, as the collector reports it.' },
  { key: 'context_length', name: 'ollama_model_context_length', help: 'Context length the model was loaded with, in tokens.' },
  {
    key: 'expires_at',
    name: 'ollama_model_expires_timestamp_seconds',
    help: 'When Ollama will unload the model, in seconds since the epoch.',
    convert: epochSeconds,
  },
];

/** REPORT_TIMESTAMP is the metric name of the report's own timestamp. */
export const REPORT_TIMESTAMP = 'report_timestamp_seconds';

/**
 * SPECIAL_FIELDS are top-level fields exposed in their own way (or not at all), never as a gauge of that name.
 * Every other numeric field is exposed as is; one whose name is taken by another metric (a per-GPU or per-model
 * series, the collectors' health...) is refused by PrometheusMetrics with a warning, never dropped silently here.
 */
const SPECIAL_FIELDS = new Set([...RESERVED_FIELDS, 'gpus', 'ollama_models']);

type Item = { readonly [key: string]: FieldValue };
const isItem = (value: FieldValue): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);
const items = (value: FieldValue | undefined): Item[] => (Array.isArray(value) ? (value as FieldValue[]).filter(isItem) : []);

/** fieldSeries lists a report's numeric top-level fields; null and non-numeric fields give no series. */
export function fieldSeries(report: ResourceReport): Series[] {
  const agent = { agent_id: report.agent_id };
  const out: Series[] = [];
  for (const [field, raw] of Object.entries(report)) {
    const value = num(raw);
    if (value !== undefined && !SPECIAL_FIELDS.has(field)) out.push({ name: field, labels: agent, value });
  }
  return out;
}

/** itemSeries lists the per-GPU and per-model samples of a report, plus its timestamp; null values give none. */
export function itemSeries(report: ResourceReport): Series[] {
  const out: Series[] = [{ name: REPORT_TIMESTAMP, labels: { agent_id: report.agent_id }, value: report.timestamp / 1000 }];
  items(report.gpus).forEach((gpu, position) => {
    const index = num(gpu.index) ?? position;
    const labels = { agent_id: report.agent_id, gpu: String(index), name: typeof gpu.name === 'string' ? gpu.name : '' };
    for (const spec of GPU_SERIES) push(out, spec, gpu, labels);
  });
  for (const model of items(report.ollama_models)) {
    if (typeof model.name !== 'string') continue;
    const labels = { agent_id: report.agent_id, model: model.name };
    for (const spec of MODEL_SERIES) push(out, spec, model, labels);
  }
  return out;
}

function push(out: Series[], spec: SeriesSpec, item: Item, labels: Record<string, string>): void {
  const value = (spec.convert ?? num)(item[spec.key]);
  if (value !== undefined) out.push({ name: spec.name, labels, value });
}
