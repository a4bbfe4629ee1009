import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createMemoryCollector, memoryReadersFor } from '../../../../src/plugins/collectors/memory/collector.js';
import { memoryCollector } from '../../../../src/plugins/collectors/memory/index.js';
import type { PluginContext } from '../../../../src/plugin.js';

const GiB = 1024 ** 3;
const readers = (total: number, free: number) => ({ totalmem: () => total, available: () => free });
const signal = new AbortController().signal;

describe('memory collector', () => {
  it('reports used as total minus available', async () => {
    const collector = createMemoryCollector(readers(16 * GiB, 5 * GiB));
    expect(await collector.collect(signal)).toEqual({ ram_total_bytes: 16 * GiB, ram_used_bytes: 11 * GiB });
  });

  it('reads again on every collection', async () => {
    let free = 8 * GiB;
    const collector = createMemoryCollector({ totalmem: () => 32 * GiB, available: () => free });
    expect((await collector.collect(signal)).ram_used_bytes).toBe(24 * GiB);
    free = 2 * GiB;
    expect((await collector.collect(signal)).ram_used_bytes).toBe(30 * GiB);
  });

  it('reports null rather than a guess for readings that make no sense', async () => {
    const cases = [
      [readers(4 * GiB, 5 * GiB), { ram_total_bytes: 4 * GiB, ram_used_bytes: null }],
      [readers(Number.NaN, GiB), { ram_total_bytes: null, ram_used_bytes: null }],
      [readers(4 * GiB, -1), { ram_total_bytes: 4 * GiB, ram_used_bytes: null }],
      [readers(4 * GiB + 0.5, GiB), { ram_total_bytes: null, ram_used_bytes: null }],
    ] as const;
    for (const [source, expected] of cases) {
      expect(await createMemoryCollector(source).collect(signal)).toEqual(expected);
    }
  });

  it('on macOS reads available memory from vm_stat, never os.freemem()', async () => {
    const vmStat = readFileSync(new URL('./fixtures/apple-m4-16gib/vm_stat.txt', import.meta.url), 'utf8');
    const commands: string[] = [];
    const readers = memoryReadersFor('darwin', (command) => (commands.push(command), Promise.resolve(vmStat)));
    const collector = createMemoryCollector({ ...readers, totalmem: () => 16 * GiB });
    expect(await collector.collect(signal)).toEqual({ ram_total_bytes: 16 * GiB, ram_used_bytes: 16 * GiB - 6844284928 });
    expect(commands).toEqual(['/usr/bin/vm_stat']);
  });

  it('on macOS rejects when vm_stat fails, so the host reports null and says why', async () => {
    const readers = memoryReadersFor('darwin', () => Promise.reject(new Error('/usr/bin/vm_stat: timed out')));
    await expect(createMemoryCollector(readers).collect(signal)).rejects.toThrow('/usr/bin/vm_stat: timed out');
  });

  it('elsewhere reads os.freemem() and runs nothing', async () => {
    for (const platform of ['linux', 'win32'] as const) {
      const readers = memoryReadersFor(platform, () => expect.fail('ran a tool'));
      // os.freemem() itself, synchronously: a number, not a promise of a tool's answer.
      expect(readers.available(signal)).toBeTypeOf('number');
      expect(readers.totalmem).toBe(os.totalmem);
    }
  });

  it('reads the real node:os values by default', async () => {
    const { ram_total_bytes: total, ram_used_bytes: used } = await createMemoryCollector().collect(signal);
    expect(Number.isSafeInteger(total)).toBe(true);
    expect(Number.isSafeInteger(used)).toBe(true);
    expect(total).toBeGreaterThan(0);
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual(total as number);
    expect(total).toBe(os.totalmem());
  });
});

describe('memory manifest', () => {
  const validate = (value: unknown) => memoryCollector.options!['~standard'].validate(value);

  it('declares its fields and creates a working collector', async () => {
    expect(memoryCollector).toMatchObject({ kind: 'collector', apiVersion: 1, name: 'memory' });
    expect(memoryCollector.fields).toEqual(['ram_total_bytes', 'ram_used_bytes']);
    const collector = await memoryCollector.create({ options: {} } as PluginContext<Record<string, never>>);
    expect(Object.keys(await collector.collect(signal)).sort()).toEqual(['ram_total_bytes', 'ram_used_bytes']);
  });

  it('accepts no options and rejects any', () => {
    expect(validate({})).toEqual({ value: {} });
    expect(validate({ interval: 5 })).toHaveProperty('issues');
  });
});
