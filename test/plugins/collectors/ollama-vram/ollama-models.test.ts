import { describe, expect, it } from 'vitest';
import { gpuShare } from '../../../../src/plugins/collectors/ollama-vram/ollama-models.js';

describe('gpuShare', () => {
  it.each([
    [100, 0, 0],
    [100, 100, 1],
    [900, 400, 0.444],
    [3, 2, 0.667],
    // A split model never reads as all on the CPU or all on the GPU.
    [100_000, 1, 0.001],
    [100_000, 99_999, 0.999],
  ])('size %d, vram %d gives %d', (size, vram, share) => {
    expect(gpuShare(size, vram)).toBe(share);
  });

  it('is null when there is nothing sensible to divide', () => {
    expect(gpuShare(0, 0)).toBeNull();
    expect(gpuShare(10, 11)).toBeNull();
  });
});
