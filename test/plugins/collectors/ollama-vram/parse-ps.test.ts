import { describe, expect, it } from 'vitest';
import { parsePs } from '../../../../src/plugins/collectors/ollama-vram/parse-ps.js';

const model = (size_vram: unknown) => ({ name: 'm:1b', model: 'm:1b', size: 100, size_vram });

describe('parsePs', () => {
  it('sums size_vram over the models', () => {
    expect(parsePs({ models: [] })).toEqual({ models: 0, vramUsedBytes: 0 });
    expect(parsePs({ models: [model(1000), model(0), model(234)] })).toEqual({ models: 3, vramUsedBytes: 1234 });
  });

  it('ignores fields it does not use', () => {
    expect(parsePs({ models: [{ size_vram: 7, extra: [1] }], next_field: true }).vramUsedBytes).toBe(7);
  });

  it.each([
    [null, /expected an object with a "models" list, got null/],
    [[], /got a list/],
    ['models', /got "models"/],
    [{}, /missing "models" list/],
    [{ models: {} }, /"models": expected a list, got an object/],
    [{ models: null }, /"models": expected a list, got null/],
    [{ models: [1] }, /models\[0\]: expected an object, got 1/],
    [{ models: [model(1), {}] }, /models\[1\]\.size_vram: expected a non-negative integer, got nothing/],
    [{ models: [model(-1)] }, /models\[0\]\.size_vram: expected a non-negative integer, got -1/],
    [{ models: [model(1.5)] }, /got 1\.5/],
    [{ models: [model('10')] }, /got "10"/],
    [{ models: [model(2 ** 53)] }, /got 9007199254740992/],
    [{ models: [model(Number.MAX_SAFE_INTEGER), model(2)] }, /too large/],
  ])('rejects %j', (body, message) => {
    expect(() => parsePs(body)).toThrow(message);
  });
});
