import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi } from '../../../../src/plugins/collectors/gpu/nvidia-smi.js';

const MiB = 1024 * 1024;

describe('parseNvidiaSmi', () => {
  it('reads one line per GPU, MiB to bytes', () => {
    expect(parseNvidiaSmi('0, NVIDIA L4, 23034, 1, 0, 33\n1, NVIDIA L4, 23034, 20000, 99, 71\n')).toEqual([
      { index: 0, name: 'NVIDIA L4', vram_total_bytes: 23034 * MiB, vram_used_bytes: MiB, util_percent: 0, temperature_c: 33 },
      { index: 1, name: 'NVIDIA L4', vram_total_bytes: 23034 * MiB, vram_used_bytes: 20000 * MiB, util_percent: 99, temperature_c: 71 },
    ]);
  });

  it('reads nothing from empty output, and skips blank lines and CRLF endings', () => {
    expect(parseNvidiaSmi('')).toEqual([]);
    expect(parseNvidiaSmi('\r\n0, X, 10, 5, 1, 30\r\n\r\n')).toHaveLength(1);
  });

  it('makes bracketed and N/A values null', () => {
    const [gpu] = parseNvidiaSmi('0, [N/A], [Not Supported], [N/A], [Unknown Error], N/A');
    expect(gpu).toEqual({ index: 0, name: null, vram_total_bytes: null, vram_used_bytes: null, util_percent: null, temperature_c: null });
  });

  it('keeps a comma inside the name', () => {
    expect(parseNvidiaSmi('3, Odd, Name, 16, 8, 50, 40')[0]).toMatchObject({ index: 3, name: 'Odd, Name', util_percent: 50 });
    expect(parseNvidiaSmi('0, NVIDIA, Inc. GPU,X, 16, 8, 50, 40')[0]!.name).toBe('NVIDIA, Inc. GPU,X'); // as printed
  });

  it.each([
    ['No devices were found', /line 1: expected 6 comma-separated values, got 1/],
    ['0, X, 10, 5, 1, 30\n<garbage>', /line 2: expected 6 comma-separated values/],
    ['index, name, memory.total [MiB], memory.used [MiB], utilization.gpu [%], temperature.gpu', /line 1: index: expected a number, got "index"/],
    ['0, X, 10 MiB, 5, 1, 30', /memory\.total: expected a number, got "10 MiB"/],
    ['0, X, -10, 5, 1, 30', /memory\.total: expected a number, got "-10"/],
    ['0, X, 10, 5, 101, 30', /utilization\.gpu: expected a number, got "101"/],
    ['[N/A], X, 10, 5, 1, 30', /index: expected an integer/],
    ['1.5, X, 10, 5, 1, 30', /index: expected an integer/],
    ['0, X, 99999999999999999999, 5, 1, 30', /memory\.total: expected a number, got "99999999999999999999"/],
  ])('rejects %j', (text, message) => {
    expect(() => parseNvidiaSmi(text)).toThrow(message);
  });
});
