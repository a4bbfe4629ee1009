import type { PsModel } from './parse-ps.js';

/** OllamaModel is one entry of the `ollama_models` report field. */
export type OllamaModel = {
  readonly name: string;
  readonly size_bytes: number;
  readonly vram_bytes: number;
  readonly gpu_share: number | null;
  readonly context_length: number | null;
  readonly expires_at: string | null;
};

/**
 * gpuShare is the part of a model on the GPU, `vram / size`, rounded to 3 decimals: exactly 0 only on the CPU
 * only, exactly 1 only when fully on the GPU (a split model stays within 0.001 to 0.999). It is null when
 * `size` is 0 or `vram` exceeds it (nothing sensible to divide).
 */
export function gpuShare(size: number, vram: number): number | null {
  if (size <= 0 || vram > size) return null;
  if (vram === 0 || vram === size) return vram / size;
  return Math.min(0.999, Math.max(0.001, Math.round((vram / size) * 1000) / 1000));
}

/** ollamaModels turns the loaded models of `/api/ps` into the `ollama_models` field. */
export function ollamaModels(models: readonly PsModel[]): OllamaModel[] {
  return models.map((model) => ({
    name: model.name,
    size_bytes: model.size,
    vram_bytes: model.sizeVram,
    gpu_share: gpuShare(model.size, model.sizeVram),
    context_length: model.contextLength,
    expires_at: model.expiresAt,
  }));
}
