import { afterEach, describe, expect, it } from 'vitest';
import type { CollectorHealthSnapshot } from '../../../../src/core/contracts/plugin.js';
import { BUILTIN_PLUGINS } from '../../../../src/plugins/builtin.js';
import { AGENT, emptyStatus, report, startExporter, stopAll } from './helpers.js';

afterEach(stopAll);

const agent = { agent_id: AGENT.id };

const gpu0 = { index: 0, name: 'NVIDIA RTX 4090', vram_total_bytes: 25_757_220_864, vram_used_bytes: 6_654_289_920, util_percent: 37, temperature_c: 61 };
const gpu1 = { index: 1, name: 'NVIDIA RTX 3060', vram_total_bytes: 12_884_901_888, vram_used_bytes: 0, util_percent: null, temperature_c: null };
const llama = { name: 'llama3.1:8b', size_bytes: 6_654_289_920, vram_bytes: 6_654_289_920, gpu_share: 1, context_length: 8192, expires_at: '2025-01-01T00:05:00+01:00' };
const qwen = { name: 'qwen2.5:0.5b', size_bytes: 700_000_000, vram_bytes: 0, gpu_share: 0, context_length: null, expires_at: null };

const MODEL_FAMILIES = ['size_bytes', 'vram_bytes', 'gpu_share', 'context_length', 'expires_timestamp_seconds'].map((m) => `sidecar_ollama_model_${m}`);

describe('prometheus transport: report metrics', () => {
  it('exposes each numeric top-level field as a gauge labelled agent_id, and the report time', async () => {
    const exporter = await startExporter();
    exporter.transport.send(report({ cpu_percent: 12.5, ram_total_bytes: 68_719_476_736, ram_used_bytes: 0, hostname: 'box', busy: true }));
    const page = await exporter.scrape();
    expect(page.family('sidecar_cpu_percent').type).toBe('gauge');
    expect(page.samples('sidecar_cpu_percent')).toEqual([{ name: 'sidecar_cpu_percent', labels: agent, value: 12.5 }]);
    expect(page.value('sidecar_ram_total_bytes', agent)).toBe(68_719_476_736);
    expect(page.value('sidecar_ram_used_bytes', agent)).toBe(0);
    expect(page.value('sidecar_report_timestamp_seconds', agent)).toBe(1_700_000_000.5);
    // Strings, booleans and the frame's own fields are not metrics.
    for (const absent of ['sidecar_hostname', 'sidecar_busy', 'sidecar_timestamp', 'sidecar_agent_id', 'sidecar_type']) {
      expect(page.families.has(absent), absent).toBe(false);
    }
  });

  it('shows no report series before the first report, and a null field as no series, never 0', async () => {
    const exporter = await startExporter();
    const before = await exporter.scrape();
    expect(before.samples('sidecar_report_timestamp_seconds')).toEqual([]);
    exporter.transport.send(report({ vram_used_bytes: 5_000, vram_total_bytes: null }));
    expect((await exporter.scrape()).value('sidecar_vram_used_bytes', agent)).toBe(5_000);
    exporter.transport.send(report({ vram_used_bytes: null, vram_total_bytes: null }));
    const page = await exporter.scrape();
    expect(page.samples('sidecar_vram_used_bytes')).toEqual([]);
    expect(page.samples('sidecar_vram_total_bytes')).toEqual([]);
  });

  it('exposes each GPU labelled gpu and name under sidecar_gpu_device_*, leaving out null readings', async () => {
    const exporter = await startExporter();
    exporter.transport.send(report({ gpus: [gpu0, gpu1] }));
    const page = await exporter.scrape();
    for (const name of ['vram_total_bytes', 'vram_used_bytes', 'util_percent', 'temperature_celsius']) {
      expect(page.family(`sidecar_gpu_device_${name}`).type).toBe('gauge');
    }
    expect(page.samples('sidecar_gpu_device_vram_used_bytes')).toEqual([
      { name: 'sidecar_gpu_device_vram_used_bytes', labels: { ...agent, gpu: '0', name: 'NVIDIA RTX 4090' }, value: 6_654_289_920 },
      { name: 'sidecar_gpu_device_vram_used_bytes', labels: { ...agent, gpu: '1', name: 'NVIDIA RTX 3060' }, value: 0 },
    ]);
    expect(page.value('sidecar_gpu_device_temperature_celsius', { gpu: '0' })).toBe(61);
    expect(page.value('sidecar_gpu_device_util_percent', { gpu: '0' })).toBe(37);
    expect(page.samples('sidecar_gpu_device_util_percent', { gpu: '1' })).toEqual([]);
    expect(page.samples('sidecar_gpu_device_temperature_celsius', { gpu: '1' })).toEqual([]);
    expect(page.families.has('sidecar_gpus')).toBe(false);
  });

  it('exposes each loaded model, and drops every series of a model once it is unloaded', async () => {
    const exporter = await startExporter();
    exporter.transport.send(report({ ollama_models: [llama, qwen] }));
    const both = await exporter.scrape();
    const llamaLabels = { ...agent, model: 'llama3.1:8b' };
    expect(both.samples('sidecar_ollama_model_vram_bytes', llamaLabels)[0]?.labels).toEqual(llamaLabels);
    expect(both.value('sidecar_ollama_model_vram_bytes', llamaLabels)).toBe(6_654_289_920);
    expect(both.value('sidecar_ollama_model_gpu_share', { model: 'qwen2.5:0.5b' })).toBe(0);
    expect(both.value('sidecar_ollama_model_context_length', llamaLabels)).toBe(8192);
    expect(both.samples('sidecar_ollama_model_context_length', { model: 'qwen2.5:0.5b' })).toEqual([]);
    expect(both.value('sidecar_ollama_model_expires_timestamp_seconds', llamaLabels)).toBe(Date.UTC(2024, 11, 31, 23, 5) / 1000);
    expect(both.family('sidecar_ollama_model_size_bytes').type).toBe('gauge');

    exporter.transport.send(report({ ollama_models: [llama] }));
    const one = await exporter.scrape();
    for (const family of MODEL_FAMILIES) expect(one.samples(family, { model: 'qwen2.5:0.5b' }), family).toEqual([]);
    expect(one.value('sidecar_ollama_model_size_bytes', llamaLabels)).toBe(6_654_289_920);

    exporter.transport.send(report({ ollama_models: [] }));
    const none = await exporter.scrape();
    for (const family of MODEL_FAMILIES) expect(none.samples(family), family).toEqual([]);
  });

  it('keeps a registry per instance: two exporters show their own reports only', async () => {
    const a = await startExporter();
    const b = await startExporter({ process_metrics: true });
    a.transport.send(report({ cpu_percent: 1 }));
    b.transport.send(report({ cpu_percent: 2, gpus: [gpu0] }));
    const [pageA, pageB] = await Promise.all([a.scrape(), b.scrape()]);
    expect(pageA.value('sidecar_cpu_percent')).toBe(1);
    expect(pageB.value('sidecar_cpu_percent')).toBe(2);
    expect(pageA.samples('sidecar_gpu_device_vram_used_bytes')).toEqual([]);
    expect(pageA.families.has('process_cpu_user_seconds_total')).toBe(false);
    expect(pageB.family('process_cpu_user_seconds_total').type).toBe('counter');
    expect(pageB.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('uses the configured prefix for every metric but the process ones', async () => {
    const exporter = await startExporter({ prefix: 'llm_', path: '/probe' });
    exporter.transport.send(report({ cpu_percent: 3 }));
    const page = await exporter.scrape();
    expect(exporter.url.endsWith('/probe')).toBe(true);
    expect(page.value('llm_cpu_percent')).toBe(3);
    expect(page.value('llm_reports_total')).toBe(0);
    expect([...page.families.keys()].filter((n) => !n.startsWith('llm_'))).toEqual([]);
  });

  it('refuses a report field whose metric name is taken, keeps the real one, and logs it once', async () => {
    const exporter = await startExporter();
    exporter.runtime = { ...emptyStatus(), collectors: [health({ instanceId: 'cpu', ok: true })] };
    exporter.transport.send(report({ collector_success: 7, gpu_device_temperature_celsius: 9, cpu_percent: 4 }));
    await exporter.scrape();
    const page = await exporter.scrape();
    expect(page.samples('sidecar_collector_success')).toEqual([{ name: 'sidecar_collector_success', labels: { agent_id: 'gpu-box-1', collector: 'cpu' }, value: 1 }]);
    expect(page.samples('sidecar_gpu_device_temperature_celsius')).toEqual([]);
    expect(page.value('sidecar_cpu_percent')).toBe(4);
    const warnings = exporter.log.records().filter((r) => r.level === 40).map((r) => r.metric);
    expect(warnings.sort()).toEqual(['sidecar_collector_success', 'sidecar_gpu_device_temperature_celsius']);
  });
});

describe('prometheus transport: top-level fields beside per-GPU and per-model series', () => {
  const gpuA = { index: 0, name: 'A', vram_total_bytes: 100, vram_used_bytes: 10, util_percent: 40, temperature_c: 50 };
  const gpuB = { index: 1, name: 'B', vram_total_bytes: 200, vram_used_bytes: 30, util_percent: 60, temperature_c: 70 };

  it('exposes the gpu collector’s sums as is, beside the per-GPU series, without a warning', async () => {
    const exporter = await startExporter();
    exporter.transport.send(report({ vram_total_bytes: 300, gpu_vram_used_bytes: 40, gpu_util_percent: 50, gpus: [gpuA, gpuB] }));
    const page = await exporter.scrape();
    expect(page.samples('sidecar_gpu_vram_used_bytes')).toEqual([{ name: 'sidecar_gpu_vram_used_bytes', labels: agent, value: 40 }]);
    expect(page.samples('sidecar_gpu_util_percent')).toEqual([{ name: 'sidecar_gpu_util_percent', labels: agent, value: 50 }]);
    expect(page.value('sidecar_vram_total_bytes', agent)).toBe(300);
    expect(page.family('sidecar_gpu_vram_used_bytes').type).toBe('gauge');
    expect(page.samples('sidecar_gpu_device_vram_used_bytes').map((s) => [s.labels.gpu, s.value])).toEqual([['0', 10], ['1', 30]]);
    expect(page.samples('sidecar_gpu_device_util_percent').map((s) => [s.labels.gpu, s.value])).toEqual([['0', 40], ['1', 60]]);
    expect(exporter.log.records().filter((r) => Number(r.level) >= 40)).toEqual([]);
  });

  it('refuses any top-level field named like a per-GPU or per-model series, warning once per name', async () => {
    const exporter = await startExporter();
    const itemFamilies = [
      ...['vram_total_bytes', 'vram_used_bytes', 'util_percent', 'temperature_celsius'].map((m) => `gpu_device_${m}`),
      ...MODEL_FAMILIES.map((f) => f.slice('sidecar_'.length)),
      'report_timestamp_seconds',
    ];
    const clashing = Object.fromEntries(itemFamilies.map((name, i) => [name, 1000 + i]));
    exporter.transport.send(report({ ...clashing, cpu_percent: 4, gpus: [gpuA], ollama_models: [llama] }));
    await exporter.scrape();
    await exporter.scrape();
    const page = await exporter.scrape();
    // The per-item series keep their names and labels; no sample carries the clashing field's value.
    expect(page.samples('sidecar_gpu_device_vram_used_bytes')).toEqual([
      { name: 'sidecar_gpu_device_vram_used_bytes', labels: { ...agent, gpu: '0', name: 'A' }, value: 10 },
    ]);
    expect(page.samples('sidecar_ollama_model_vram_bytes')).toEqual([
      { name: 'sidecar_ollama_model_vram_bytes', labels: { ...agent, model: 'llama3.1:8b' }, value: 6_654_289_920 },
    ]);
    expect(page.value('sidecar_report_timestamp_seconds', agent)).toBe(1_700_000_000.5);
    const values = new Set(Object.values(clashing));
    for (const name of itemFamilies) {
      expect(page.samples(`sidecar_${name}`).filter((s) => values.has(s.value)), name).toEqual([]);
    }
    expect(page.value('sidecar_cpu_percent', agent)).toBe(4);
    const warnings = exporter.log.records().filter((r) => r.level === 40);
    expect(warnings.map((r) => r.metric).sort()).toEqual(itemFamilies.map((n) => `sidecar_${n}`).sort());
    for (const w of warnings) expect(String(w.msg)).toMatch(/is not exposed: the name is already taken by a per-GPU or per-model series/);
  });

  it('has no built-in collector field named like a per-GPU or per-model series', async () => {
    const exporter = await startExporter();
    const fields = [...new Set([...BUILTIN_PLUGINS.values()].filter((m) => m.kind === 'collector').flatMap((m) => m.fields ?? []))];
    expect(fields).toEqual(expect.arrayContaining(['gpu_vram_used_bytes', 'gpu_util_percent', 'vram_total_bytes']));
    exporter.transport.send(report({ ...Object.fromEntries(fields.map((f, i) => [f, i + 1])), gpus: [gpuA], ollama_models: [llama] }));
    const page = await exporter.scrape();
    for (const field of fields.filter((f) => f !== 'gpus' && f !== 'ollama_models')) {
      expect(page.value(`sidecar_${field}`, agent), field).toBe(fields.indexOf(field) + 1);
    }
    expect(exporter.log.records().filter((r) => Number(r.level) >= 40)).toEqual([]);
  });
});

describe('prometheus transport: the sidecar’s health', () => {
  it('exposes each collector’s last duration, success, runs and failures, and the report count', async () => {
    const exporter = await startExporter();
    exporter.runtime = {
      ...emptyStatus(),
      reports: 42,
      collectors: [
        health({ instanceId: 'cpu', ok: true, lastDurationMs: 12, runs: 42, failures: 1 }),
        health({ instanceId: 'ollama-vram', ok: false, lastDurationMs: 2000, runs: 42, failures: 42, lastError: 'timed out' }),
        health({ instanceId: 'fresh' }),
      ],
    };
    const page = await exporter.scrape();
    expect(page.family('sidecar_collector_success').type).toBe('gauge');
    expect(page.family('sidecar_collector_duration_seconds').type).toBe('gauge');
    expect(page.family('sidecar_collector_failures_total').type).toBe('counter');
    expect(page.family('sidecar_reports_total').type).toBe('counter');
    expect(page.value('sidecar_collector_success', { collector: 'cpu' })).toBe(1);
    expect(page.value('sidecar_collector_success', { collector: 'ollama-vram' })).toBe(0);
    expect(page.samples('sidecar_collector_success', { collector: 'fresh' })).toEqual([]);
    expect(page.value('sidecar_collector_duration_seconds', { collector: 'cpu' })).toBeCloseTo(0.012, 9);
    expect(page.value('sidecar_collector_duration_seconds', { collector: 'ollama-vram' })).toBe(2);
    expect(page.samples('sidecar_collector_duration_seconds', { collector: 'fresh' })).toEqual([]);
    expect(page.value('sidecar_collector_failures_total', { collector: 'ollama-vram' })).toBe(42);
    expect(page.value('sidecar_collector_failures_total', { collector: 'fresh' })).toBe(0);
    expect(page.value('sidecar_collector_runs_total', { collector: 'cpu' })).toBe(42);
    expect(page.value('sidecar_reports_total')).toBe(42);

    exporter.runtime = { ...emptyStatus(), reports: 43, collectors: [health({ instanceId: 'cpu', ok: false, runs: 43, failures: 2 })] };
    const later = await exporter.scrape();
    expect(later.value('sidecar_collector_success', { collector: 'cpu' })).toBe(0);
    expect(later.samples('sidecar_collector_success', { collector: 'ollama-vram' })).toEqual([]);
    expect(later.value('sidecar_reports_total')).toBe(43);
  });

  it('turns every numeric or boolean key of each transport’s status into a gauge labelled transport', async () => {
    const exporter = await startExporter();
    const websocket = { state: 'identified', identified: true, sent: 7, buffered: 0, dropped: 2, reconnects: 1, last_sent_at: 1_700_000_000_000 };
    exporter.runtime = {
      ...emptyStatus(),
      transports: [
        { instanceId: 'websocket', status: websocket },
        { instanceId: 'stdout', status: null },
        { instanceId: 'custom#2', status: { 'bytes-out': 3, detail: { nested: 1 }, ratio: Number.NaN } },
      ],
    };
    const page = await exporter.scrape();
    const ws = { transport: 'websocket' };
    expect(page.family('sidecar_transport_identified').type).toBe('gauge');
    expect(page.samples('sidecar_transport_identified')).toEqual([{ name: 'sidecar_transport_identified', labels: { agent_id: 'gpu-box-1', ...ws }, value: 1 }]);
    expect(page.value('sidecar_transport_sent', ws)).toBe(7);
    expect(page.value('sidecar_transport_buffered', ws)).toBe(0);
    expect(page.value('sidecar_transport_dropped', ws)).toBe(2);
    expect(page.value('sidecar_transport_reconnects', ws)).toBe(1);
    expect(page.value('sidecar_transport_last_sent_at', ws)).toBe(1_700_000_000_000);
    expect(page.families.has('sidecar_transport_state')).toBe(false);
    expect(page.value('sidecar_transport_bytes_out', { transport: 'custom#2' })).toBe(3);
    expect(page.families.has('sidecar_transport_detail')).toBe(false);
    expect(page.samples('sidecar_transport_ratio')).toEqual([]);
    expect(page.samples('sidecar_transport_sent', { transport: 'stdout' })).toEqual([]);

    exporter.runtime = { ...emptyStatus(), transports: [{ instanceId: 'websocket', status: { ...websocket, identified: false } }] };
    const later = await exporter.scrape();
    expect(later.value('sidecar_transport_identified', ws)).toBe(0);
    expect(later.samples('sidecar_transport_bytes_out')).toEqual([]);
  });
});

function health(partial: Partial<CollectorHealthSnapshot> & { instanceId: string }): CollectorHealthSnapshot {
  return { ok: null, lastError: null, lastDurationMs: null, runs: 0, failures: 0, ...partial };
}
