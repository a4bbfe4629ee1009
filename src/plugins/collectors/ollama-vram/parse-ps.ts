import { describeValue } from '../../../core/describe-value.js';

/** PsModel is what the collector reads of one loaded model in Ollama's `GET /api/ps` answer. */
export interface PsModel {
  readonly name: string;
  /** size is the model's bytes in memory, CPU and GPU together. */
  readonly size: number;
  /** sizeVram is the part of `size` on the GPU. */
  readonly sizeVram: number;
  /** contextLength is the loaded context window (servers since v0.9.7), or null. */
  readonly contextLength: number | null;
  /** expiresAt is when Ollama unloads the model (RFC 3339, as given), or null. */
  readonly expiresAt: string | null;
}

/** PsSummary is what the collector needs from Ollama's `GET /api/ps` answer. */
export interface PsSummary {
  /** models are the loaded models, in the server's order. */
  readonly models: readonly PsModel[];
  /** vramUsedBytes is the sum of `size_vram` over the loaded models. */
  readonly vramUsedBytes: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integer(model: Record<string, unknown>, key: string, where: string, min: number): number {
  const value = model[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`${where}.${key}: expected a ${min > 0 ? 'positive' : 'non-negative'} integer, got ${describeValue(value)}`);
  }
  return value;
}

function parseModel(model: unknown, where: string): PsModel {
  if (!isObject(model)) throw new Error(`${where}: expected an object, got ${describeValue(model)}`);
  const name = model['name'];
  if (typeof name !== 'string') throw new Error(`${where}.name: expected a string, got ${describeValue(name)}`);
  const expiresAt = model['expires_at'];
  return {
    name,
    size: integer(model, 'size', where, 0),
    sizeVram: integer(model, 'size_vram', where, 0),
    contextLength: model['context_length'] === undefined || model['context_length'] === null ? null : integer(model, 'context_length', where, 1),
    expiresAt: typeof expiresAt === 'string' ? expiresAt : null,
  };
}

/**
 * parsePs checks a parsed `GET /api/ps` body against the documented shape (an object whose `models` is a list
 * of objects, each with a string `name`, non-negative integers `size` and `size_vram`, and, if present, a
 * positive integer `context_length`) and sums `size_vram`. It throws an Error naming the first thing wrong;
 * other fields are not checked, so newer Ollama versions may add to them.
 */
export function parsePs(body: unknown): PsSummary {
  if (!isObject(body)) throw new Error(`expected an object with a "models" list, got ${describeValue(body)}`);
  const list = body['models'];
  if (!Array.isArray(list)) {
    throw new Error(list === undefined ? 'missing "models" list' : `"models": expected a list, got ${describeValue(list)}`);
  }
  const models = list.map((model: unknown, i) => parseModel(model, `models[${i}]`));
  const sum = models.reduce((total, model) => total + model.sizeVram, 0);
  if (!Number.isSafeInteger(sum)) throw new Error('sum of size_vram is too large to be exact');
  return { models, vramUsedBytes: sum };
}
