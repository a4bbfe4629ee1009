/** PsSummary is what the collector needs from Ollama's `GET /api/ps` answer. */
export interface PsSummary {
  /** models is how many models are loaded. */
  readonly models: number;
  /** vramUsedBytes is the sum of `size_vram` over the loaded models. */
  readonly vramUsedBytes: number;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * parsePs checks a parsed `GET /api/ps` body against the documented shape (an object whose `models` is a list
 * of objects, each with a non-negative integer `size_vram`) and sums `size_vram`. It throws an Error naming
 * the first thing wrong; other fields are not checked, so newer Ollama versions may add to them.
 */
export function parsePs(body: unknown): PsSummary {
  if (!isObject(body)) throw new Error(`expected an object with a "models" list, got ${describe(body)}`);
  const models = body['models'];
  if (!Array.isArray(models)) {
    throw new Error(models === undefined ? 'missing "models" list' : `"models": expected a list, got ${describe(models)}`);
  }
  let sum = 0;
  models.forEach((model: unknown, i) => {
    if (!isObject(model)) throw new Error(`models[${i}]: expected an object, got ${describe(model)}`);
    const size = model['size_vram'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      const got = size === undefined ? 'nothing' : describe(size);
      throw new Error(`models[${i}].size_vram: expected a non-negative integer, got ${got}`);
    }
    sum += size;
  });
  if (!Number.isSafeInteger(sum)) throw new Error('sum of size_vram is too large to be exact');
  return { models: models.length, vramUsedBytes: sum };
}
