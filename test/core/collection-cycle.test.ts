import { describe, expect, it } from 'vitest';
import { CollectionCycle } from '../../src/core/collection-cycle.js';
import type { PartialReport } from '../../src/core/contracts/report.js';
import type { CollectorSlot } from '../../src/core/plugins/collector-slot.js';
import { memoryLogger } from '../helpers/memory-logger.js';

type Answer = PartialReport | unknown;

/** slot is a stand-in for a started collector slot: `answers` are returned in turn (the last one repeats). */
function slot(log: ReturnType<typeof memoryLogger>, instanceId: string, fields: string[], ...answers: Answer[]): CollectorSlot {
  let call = 0;
  return {
    instanceId,
    fields,
    timeoutMs: 1000,
    context: { logger: log.logger.child({ plugin: instanceId }) },
    collect: async () => answers[Math.min(call++, answers.length - 1)],
  } as unknown as CollectorSlot;
}

const warnings = (log: ReturnType<typeof memoryLogger>) => log.records().filter((r) => r.level === 40);
const infos = (log: ReturnType<typeof memoryLogger>) => log.records().filter((r) => r.level === 30);

describe('CollectionCycle: hub fields of the wrong type', () => {
  it('sends the wrong-typed field as null, keeps the collector’s other fields and the other collectors’', async () => {
    const log = memoryLogger();
    const cycle = new CollectionCycle(
      [
        slot(log, 'third-party', ['cpu_percent', 'load_label'], { cpu_percent: '12.5', load_label: 'busy' }),
        slot(log, 'memory', ['ram_total_bytes', 'ram_used_bytes'], { ram_total_bytes: 4096, ram_used_bytes: 1024 }),
      ],
      'a1',
      { now: () => 1000, monotonic: () => 1000 },
    );
    const report = await cycle.run();
    expect(report).toEqual({
      type: 'resource_report',
      agent_id: 'a1',
      timestamp: 1000,
      cpu_percent: null,
      load_label: 'busy',
      ram_total_bytes: 4096,
      ram_used_bytes: 1024,
    });
    expect(warnings(log)).toEqual([
      expect.objectContaining({ plugin: 'third-party', field: 'cpu_percent', expected: 'a number', got: 'a string' }),
    ]);
    expect(warnings(log)[0]!.msg).toMatch(/cpu_percent.*a number|a string.*cpu_percent/);
  });

  it('warns once per collector and field until the field recovers, then says so and warns again if it breaks again', async () => {
    const log = memoryLogger();
    const answers = [
      { cpu_percent: '1', ram_used_bytes: true },
      { cpu_percent: '2', ram_used_bytes: true },
      { cpu_percent: '3', ram_used_bytes: 5 }, // ram_used_bytes recovers
      { cpu_percent: 4, ram_used_bytes: 6 }, // cpu_percent recovers
      { cpu_percent: 4, ram_used_bytes: 6 },
      { cpu_percent: 'x', ram_used_bytes: 6 }, // broken again
    ];
    const cycle = new CollectionCycle([slot(log, 'odd', ['cpu_percent', 'ram_used_bytes'], ...answers)], 'a1', { now: () => 1, monotonic: () => 1 });
    const reports = [];
    for (let i = 0; i < answers.length; i++) reports.push(await cycle.run());
    expect(reports.map((r) => [r.cpu_percent, r.ram_used_bytes])).toEqual([
      [null, null],
      [null, null],
      [null, 5],
      [4, 6],
      [4, 6],
      [null, 6],
    ]);
    expect(warnings(log).map((w) => w.field)).toEqual(['cpu_percent', 'ram_used_bytes', 'cpu_percent']);
    expect(infos(log).map((i) => i.field)).toEqual(['ram_used_bytes', 'cpu_percent']);
    const stats = cycle.health.snapshot()[0]!;
    expect(stats).toMatchObject({ instanceId: 'odd', ok: false, runs: 6, failures: 4 });
    expect(stats.lastError).toBe('"cpu_percent": expected a number, got a string');
  });

  it('counts a run with a wrong-typed field against the collector, and a clean run clears it', async () => {
    const log = memoryLogger();
    const cycle = new CollectionCycle([slot(log, 'odd', ['ram_total_bytes'], { ram_total_bytes: 1.5 }, { ram_total_bytes: 2 })], 'a1', { now: () => 1, monotonic: () => 1 });
    await cycle.run();
    expect(cycle.health.snapshot()[0]).toMatchObject({ ok: false, failures: 1, lastError: '"ram_total_bytes": expected an integer, got a number with a fraction' });
    await cycle.run();
    expect(cycle.health.snapshot()[0]).toMatchObject({ ok: true, failures: 1, lastError: null });
    // A type problem is not a collector failure: no "Collector failed"/"Collector recovered" pair.
    expect(log.records().map((r) => r.msg).filter((m) => /^Collector (failed|recovered)/.test(String(m)))).toEqual([]);
  });
});

describe('CollectionCycle: answers that are not an object', () => {
  it.each([
    ['a list', [{ junk_value: 1 }]],
    ['a string', 'junk'],
    ['an integer', 42],
    ['null', null],
  ])('fails the collector with a warning when it returns %s', async (what, answer) => {
    const log = memoryLogger();
    const cycle = new CollectionCycle(
      [slot(log, 'junk', ['junk_value'], answer), slot(log, 'good', ['good_value'], { good_value: 1 })],
      'a1',
      { now: () => 1, monotonic: () => 1 },
    );
    expect(await cycle.run()).toMatchObject({ junk_value: null, good_value: 1 });
    expect(warnings(log)).toEqual([
      expect.objectContaining({ plugin: 'junk', msg: 'Collector failed; its fields are null until it recovers', reason: `collect() returned ${what}, not an object` }),
    ]);
    expect(cycle.health.snapshot().find((s) => s.instanceId === 'junk')).toMatchObject({ ok: false, failures: 1 });
  });
});
