import { describe, expect, it } from 'vitest';
import { parsePs } from '../../../../src/plugins/collectors/ollama-vram/parse-ps.js';

const model = (size_vram: unknown, more: Record<string, unknown> = {}) => ({ name: 'm:1b', model: 'm:1b', size: 2000, size_vram, ...more });

describe('parsePs', () => {
  it('sums size_vram over the models', () => {
    expect(parsePs({ models: [] })).toEqual({ models: [], vramUsedBytes: 0 });
    expect(parsePs({ models: [model(1000), model(0), model(234)] }).vramUsedBytes).toBe(1234);
  });

  it('reads each model, context_length and expires_at when given', () => {
    const given = model(5, { context_length: 8192, expires_at: '2025-11-03T14:27:41Z' });
    expect(parsePs({ models: [given, model(0, { context_length: null, expires_at: 7 })] }).models).toEqual([
      { name: 'm:1b', size: 2000, sizeVram: 5, contextLength: 8192, expiresAt: '2025-11-03T14:27:41Z' },
      { name: 'm:1b', size: 2000, sizeVram: 0, contextLength: null, expiresAt: null },
    ]);
  });

  it('ignores fields it does not use', () => {
    expect(parsePs({ models: [{ name: '', size: 0, size_vram: 7, extra: [1] }], next_field: true }).vramUsedBytes).toBe(7);
  });

  it.each([
    [null, /expected an object with a "models" list, got null/],
    [[], /got a list/],
    ['models', /got "models"/],
    [{}, /missing "models" list/],
    [{ models: {} }, /"models": expected a list, got an object/],
    [{ models: null }, /"models": expected a list, got null/],
    [{ models: [1] }, /models\[0\]: expected an object, got 1/],
    [{ models: [model(1), {}] }, /models\[1\]\.name: expected a string, got nothing/],
    [{ models: [model(1, { name: 5 })] }, /models\[0\]\.name: expected a string, got 5/],
    [{ models: [model(1, { size: undefined })] }, /models\[0\]\.size: expected a non-negative integer, got nothing/],
    [{ models: [model(1, { size: -1 })] }, /models\[0\]\.size: expected a non-negative integer, got -1/],
    [{ models: [model(1, { size_vram: undefined })] }, /models\[0\]\.size_vram: expected a non-negative integer, got nothing/],
    [{ models: [model(1, { context_length: 0 })] }, /models\[0\]\.context_length: expected a positive integer, got 0/],
    [{ models: [model(1, { context_length: 1.5 })] }, /context_length: expected a positive integer, got 1\.5/],
    [{ models: [model(-1)] }, /models\[0\]\.size_vram: expected a non-negative integer, got -1/],
    [{ models: [model(1.5)] }, /got 1\.5/],
    [{ models: [model('10')] }, /got "10"/],
    [{ models: [model(2 ** 53)] }, /got 9007199254740992/],
    [{ models: [model(Number.MAX_SAFE_INTEGER, { size: Number.MAX_SAFE_INTEGER }), model(2)] }, /too large/],
  ])('rejects %j', (body, message) => {
    expect(() => parsePs(body)).toThrow(message);
  });
});
