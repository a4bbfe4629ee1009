import { describe, expect, it } from 'vitest';
import { parseRocmSmi } from '../../../../src/plugins/collectors/gpu/rocm-smi.js';

const card = (values: Record<string, unknown>) => JSON.stringify({ card0: values });

describe('parseRocmSmi', () => {
  it('reads the documented --showmeminfo vram shape alone', () => {
    const text = card({ 'VRAM Total Memory (B)': '17163091968', 'VRAM Total Used Memory (B)': '17453056' });
    expect(parseRocmSmi(text)).toEqual([
      { index: 0, name: null, vram_total_bytes: 17163091968, vram_used_bytes: 17453056, util_percent: null, temperature_c: null },
    ]);
  });

  it('orders cards by number, ignores other keys and text before the JSON', () => {
    const text = `note: something\n${JSON.stringify({ system: { x: 1 }, card10: {}, card2: {} })}\n`;
    expect(parseRocmSmi(text).map((gpu) => gpu.index)).toEqual([2, 10]);
    expect(parseRocmSmi('{}')).toEqual([]);
  });

  it('finds the JSON past a warning holding braces, and before a closing banner', () => {
    const json = card({ 'VRAM Total Memory (B)': '1024', 'VRAM Total Used Memory (B)': '512' });
    const text = `Warning: config {foo} not found\n  ${json}\n=== End of ROCm SMI Log ===\n`;
    expect(parseRocmSmi(text)).toMatchObject([{ index: 0, vram_total_bytes: 1024, vram_used_bytes: 512 }]);
    expect(() => parseRocmSmi('Warning: config {foo} not found\n')).toThrow('expected a JSON object');
  });

  it('prefers the edge temperature, then the junction one; N/A and missing values are null', () => {
    const both = { 'Temperature (Sensor junction) (C)': '70.0', 'Temperature (Sensor edge) (C)': '50.5' };
    expect(parseRocmSmi(card(both))[0]!.temperature_c).toBe(50.5);
    expect(parseRocmSmi(card({ 'Temperature (Sensor junction) (c)': '70.0' }))[0]!.temperature_c).toBe(70);
    expect(parseRocmSmi(card({ 'GPU use (%)': 'N/A', 'VRAM Total Memory (B)': 'N/A' }))[0]).toMatchObject({
      util_percent: null,
      vram_total_bytes: null,
    });
  });

  it.each([
    ['', /expected a JSON object/],
    ['ERROR: GPU[0] : Unable to read', /expected a JSON object/],
    ['{"card0": {', /expected a JSON object/],
    ['[1]', /expected a JSON object/],
    ['{"card0": "x"}', /card0: expected an object, got "x"/],
    [card({ 'VRAM Total Memory (B)': '12 GB' }), /card0\."VRAM Total Memory \(B\)": expected a non-negative integer, got "12 GB"/],
    [card({ 'VRAM Total Used Memory (B)': '-1' }), /non-negative integer, got "-1"/],
    [card({ 'GPU use (%)': 'busy' }), /card0\."GPU use \(%\)": expected a number, got "busy"/],
    [card({ 'GPU use (%)': '250' }), /expected 0 to 100, got 250/],
  ])('rejects %j', (text, message) => {
    expect(() => parseRocmSmi(text)).toThrow(message);
  });
});
