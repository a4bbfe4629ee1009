import { describe, expect, it } from 'vitest';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import { hrTime, reportMetrics } from '../../../../src/plugins/transports/otlp/semconv.js';
import { report } from './helpers.js';

const full = report({
  cpu_percent: 12.5,
  ram_used_bytes: 8_000_000_000,
  ram_total_bytes: 32_000_000_000,
  vram_used_bytes: 4_000_000_000,
  vram_total_bytes: 24_000_000_000,
  gpus: [
    { index: 0, name: 'NVIDIA RTX 4090', vram_total_bytes: 24_000_000_000, vram_used_bytes: 5_000_000_000, util_percent: 40, temperature_c: 61 },
    { index: 1, name: 'NVIDIA RTX 4090', vram_total_bytes: 24_000_000_000, vram_used_bytes: null, util_percent: null, temperature_c: null },
  ],
  ollama_models: [{ name: 'llama3:8b', size_bytes: 5_000_000_000, vram_bytes: 4_000_000_000, context_length: 8192 }],
});

describe('otlp semantic conventions', () => {
  it('names, units and kinds follow the conventions; values are scaled as they say (utilisation 0-1)', () => {
    const byName = new Map(reportMetrics([full], 0).map((m) => [m.descriptor.name, m]));
    expect(byName.get('system.cpu.utilization')).toMatchObject({ dataPointType: DataPointType.GAUGE, descriptor: { unit: '1' } });
    expect(byName.get('system.cpu.utilization')!.dataPoints[0]!.value).toBeCloseTo(0.125);
    expect(byName.get('system.memory.usage')).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: false, descriptor: { unit: 'By' } });
    expect(byName.get('system.memory.usage')!.dataPoints).toMatchObject([{ value: 8_000_000_000, attributes: { 'system.memory.state': 'used' } }]);
    expect(byName.get('system.memory.limit')!.dataPoints).toMatchObject([{ value: 32_000_000_000 }]);
    expect(byName.get('hw.gpu.utilization')!.dataPoints).toMatchObject([{ value: 0.4, attributes: { 'hw.id': '0', 'hw.name': 'NVIDIA RTX 4090' } }]);
    expect(byName.get('hw.gpu.memory.limit')!.dataPoints.map((p) => p.attributes['hw.id'])).toEqual(['0', '1']);
    expect(byName.get('ollama.model.memory.vram.usage')!.dataPoints).toMatchObject([{ value: 4_000_000_000, attributes: { 'ollama.model.name': 'llama3:8b' } }]);
    expect(byName.get('ollama.memory.vram.usage')!.dataPoints).toMatchObject([{ value: 4_000_000_000 }]);
  });

  it('a null field gives no data point, never a zero', () => {
    const metrics = reportMetrics([report({ cpu_percent: null, ram_used_bytes: 1, ram_total_bytes: null, gpus: null })], 0);
    const names = metrics.map((m) => m.descriptor.name);
    expect(names).toEqual(['system.memory.usage']);
    const gpuMemory = reportMetrics([full], 0).find((m) => m.descriptor.name === 'hw.gpu.memory.usage')!;
    expect(gpuMemory.dataPoints.map((p) => p.attributes['hw.id'])).toEqual(['0']);
  });

  it('each report is one data point at its own time; sums start when exporting started', () => {
    const metrics = reportMetrics([report({ cpu_percent: 10 }, 1_000), report({ cpu_percent: 20 }, 2_500)], 500);
    const cpu = metrics.find((m) => m.descriptor.name === 'system.cpu.utilization')!;
    expect(cpu.dataPoints.map((p) => [p.endTime, p.value])).toEqual([
      [[1, 0], 0.1],
      [[2, 500_000_000], 0.2],
    ]);
    expect(hrTime(1_700_000_000_123)).toEqual([1_700_000_000, 123_000_000]);
  });
});
