import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDarwinAvailable, VM_STAT } from '../../../../src/plugins/collectors/memory/memory.darwin.js';
import { availableBytes, parseVmStat } from '../../../../src/plugins/collectors/memory/vm-stat.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const CASES = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const read = (name: string, file: string) => readFileSync(path.join(FIXTURES, name, file), 'utf8');
const never = () => new AbortController().signal;

describe('vm_stat parser on real output', () => {
  it('has a 16 KiB and a 4 KiB case', () => {
    const sizes = CASES.map((name) => parseVmStat(read(name, 'vm_stat.txt')).pageSize);
    expect(new Set(sizes)).toEqual(new Set([16384, 4096]));
  });

  // fixtures/<case>/ holds vm_stat.txt as a Mac printed it and expected.json (see fixtures/SOURCES.md).
  it.each(CASES)('%s', (name) => {
    const expected = JSON.parse(read(name, 'expected.json')) as { page_size: number; available_bytes: number; total_bytes?: number; used_bytes?: number };
    const stat = parseVmStat(read(name, 'vm_stat.txt'));
    expect(stat.pageSize).toBe(expected.page_size);
    expect(availableBytes(stat)).toBe(expected.available_bytes);
    if (expected.total_bytes !== undefined) expect(expected.total_bytes - availableBytes(stat)).toBe(expected.used_bytes);
  });

  it('reads every counter by name, quoted ones and ones a newer macOS added included', () => {
    const stat = parseVmStat(read('apple-m5-pro-48gib', 'vm_stat.txt'));
    expect(stat.pages.get('Translation faults')).toBe(129543927);
    expect(stat.pages.get('Pages tag-storage non-tag wired')).toBe(8);
    expect(stat.pages.get('Pages occupied by compressor')).toBe(120819);
  });

  it('refuses output without the page-size header, or without a counter it needs', () => {
    expect(() => parseVmStat('Pages free: 10.\n')).toThrow('no "page size of N bytes" header');
    expect(() => parseVmStat('Mach Virtual Memory Statistics: (page size of 0 bytes)\nPages free: 1.\n')).toThrow(/header/);
    const noPurgeable = 'Mach Virtual Memory Statistics: (page size of 4096 bytes)\nPages free: 1.\nPages inactive: 2.\nPages speculative: 3.\n';
    expect(() => availableBytes(parseVmStat(noPurgeable))).toThrow('no "Pages purgeable" line');
  });

  it('accepts CRLF line ends', () => {
    const text = read('intel-4kib', 'vm_stat.txt').replace(/\n/g, '\r\n');
    expect(availableBytes(parseVmStat(text))).toBe(1485971456);
  });
});

describe('readDarwinAvailable', () => {
  it('runs /usr/bin/vm_stat without arguments, under the signal it was given', async () => {
    const signal = never();
    const calls: unknown[][] = [];
    const run = (command: string, args: readonly string[], s: AbortSignal) => {
      calls.push([command, args, s]);
      return Promise.resolve(read('apple-m4-16gib', 'vm_stat.txt'));
    };
    expect(await readDarwinAvailable(run, signal)).toBe(6844284928);
    expect(calls).toEqual([[VM_STAT, [], signal]]);
    expect(VM_STAT).toBe('/usr/bin/vm_stat');
  });

  it('rejects with one line naming vm_stat when its output cannot be read, and passes run failures on', async () => {
    await expect(readDarwinAvailable(() => Promise.resolve('garbage'), never())).rejects.toThrow(
      /^\/usr\/bin\/vm_stat: unexpected output: no "page size of N bytes" header$/,
    );
    await expect(readDarwinAvailable(() => Promise.reject(new Error('/usr/bin/vm_stat: timed out')), never())).rejects.toThrow('timed out');
  });
});
