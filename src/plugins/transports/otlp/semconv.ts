import { ValueType } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import type { FieldValue, ResourceReport } from '../../../plugin.js';

/**
 * The report as OpenTelemetry metrics. Names follow the semantic conventions where one exists (system.cpu.*,
 * system.memory.*, hw.gpu.*: https://opentelemetry.io/docs/specs/semconv/system/); what has none (Ollama's loaded
 * models, the VRAM Ollama itself holds) lives under `ollama.*`. A field the report has as null gives no data point:
 * an absent point, never a made-up zero.
 */

type Item = { readonly [key: string]: FieldValue };
type Point = { readonly value: number; readonly attributes: Attributes };

/** MetricSpec is one metric: its name, unit, description, and whether it is a gauge or an up-down counter. */
interface MetricSpec {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** sum: an UpDownCounter in the conventions (usage and limit), exported as a non-monotonic cumulative sum. */
  readonly sum?: boolean;
  readonly points: (report: ResourceReport) => Point[];
}

const num = (value: FieldValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const isItem = (value: FieldValue): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);
const items = (value: FieldValue | undefined): Item[] => (Array.isArray(value) ? (value as FieldValue[]).filter(isItem) : []);

/** one is a single point without attributes, or none when the value is not a number. */
const one = (value: number | undefined, attributes: Attributes = {}): Point[] => (value === undefined ? [] : [{ value, attributes }]);

/** gpuAttributes names a GPU as the hw.* conventions do: hw.id (its index as the tool numbers it), hw.name. */
function gpuAttributes(gpu: Item, position: number): Attributes {
  const attributes: Attributes = { 'hw.id': String(num(gpu.index) ?? position), 'hw.type': 'gpu' };
  if (typeof gpu.name === 'string') attributes['hw.name'] = gpu.name;
  return attributes;
}

function perGpu(report: ResourceReport, read: (gpu: Item) => number | undefined): Point[] {
  return items(report.gpus).flatMap((gpu, position) => one(read(gpu), gpuAttributes(gpu, position)));
}

function perModel(report: ResourceReport, key: string): Point[] {
  return items(report.ollama_models).flatMap((model) =>
    typeof model.name === 'string' ? one(num(model[key]), { 'ollama.model.name': model.name }) : [],
  );
}

/** METRICS are every metric the otlp transport exports, in the order they appear in a request. */
export const METRICS: readonly MetricSpec[] = [
  {
    name: 'system.cpu.utilization',
    unit: '1',
    description: 'Share of all CPUs busy since the previous report, 0 to 1.',
    points: (r) => one(divide(num(r.cpu_percent), 100)),
  },
  {
    name: 'system.memory.usage',
    unit: 'By',
    description: 'Memory in use (total minus what the OS calls available).',
    sum: true,
    points: (r) => one(num(r.ram_used_bytes), { 'system.memory.state': 'used' }),
  },
  {
    name: 'system.memory.limit',
    unit: 'By',
    description: 'Total physical memory.',
    sum: true,
    points: (r) => one(num(r.ram_total_bytes)),
  },
  {
    name: 'hw.gpu.memory.usage',
    unit: 'By',
    description: 'GPU memory in use, per GPU.',
    sum: true,
    points: (r) => perGpu(r, (gpu) => num(gpu.vram_used_bytes)),
  },
  {
    name: 'hw.gpu.memory.limit',
    unit: 'By',
    description: 'GPU memory, per GPU.',
    sum: true,
    points: (r) => perGpu(r, (gpu) => num(gpu.vram_total_bytes)),
  },
  {
    name: 'hw.gpu.utilization',
    unit: '1',
    description: 'GPU utilisation, per GPU, 0 to 1.',
    points: (r) => perGpu(r, (gpu) => divide(num(gpu.util_percent), 100)),
  },
  {
    name: 'hw.temperature',
    unit: 'Cel',
    description: 'GPU temperature, per GPU.',
    points: (r) => perGpu(r, (gpu) => num(gpu.temperature_c)),
  },
  {
    name: 'ollama.memory.vram.usage',
    unit: 'By',
    description: "GPU memory held by Ollama's loaded models (the hub's vram_used_bytes).",
    sum: true,
    points: (r) => one(num(r.vram_used_bytes)),
  },
  {
    name: 'ollama.memory.vram.limit',
    unit: 'By',
    description: 'GPU memory in all, where a collector knows it (the hub\'s vram_total_bytes).',
    sum: true,
    points: (r) => one(num(r.vram_total_bytes)),
  },
  {
    name: 'ollama.model.memory.usage',
    unit: 'By',
    description: 'Memory a loaded model takes, per model.',
    sum: true,
    points: (r) => perModel(r, 'size_bytes'),
  },
  {
    name: 'ollama.model.memory.vram.usage',
    unit: 'By',
    description: 'Part of a loaded model held in GPU memory, per model.',
    sum: true,
    points: (r) => perModel(r, 'vram_bytes'),
  },
  {
    name: 'ollama.model.context_length',
    unit: '{token}',
    description: 'Context length a model was loaded with, per model.',
    points: (r) => perModel(r, 'context_length'),
  },
];

function divide(value: number | undefined, by: number): number | undefined {
  return value === undefined ? undefined : value / by;
}

/** HrTime is OpenTelemetry's [seconds, nanoseconds] time. */
type HrTime = [number, number];

/** hrTime turns ms since the epoch into OpenTelemetry's [seconds, nanoseconds]. */
export function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/**
 * reportMetrics turns reports (oldest first) into OTLP metric data: one data point per report and series, stamped
 * with the report's own timestamp (OTLP keeps history, unlike the hub, so an old report is filed at its time).
 * `startMs` is the start of the cumulative sums: when this process started exporting.
 */
export function reportMetrics(reports: readonly ResourceReport[], startMs: number): MetricData[] {
  const startTime = hrTime(startMs);
  const out: MetricData[] = [];
  for (const spec of METRICS) {
    const dataPoints = reports.flatMap((report) =>
      spec.points(report).map((p) => ({ startTime, endTime: hrTime(report.timestamp), attributes: p.attributes, value: p.value })),
    );
    if (dataPoints.length === 0) continue;
    const descriptor = { name: spec.name, unit: spec.unit, description: spec.description, valueType: ValueType.DOUBLE };
    out.push(
      spec.sum
        ? { descriptor, dataPointType: DataPointType.SUM, isMonotonic: false, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPoints }
        : { descriptor, dataPointType: DataPointType.GAUGE, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPoints },
    );
  }
  return out;
}
