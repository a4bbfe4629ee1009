import { defineCollector } from '../../../plugin.js';
import { createOllamaVramCollector } from './collector.js';
import { ollamaVramOptionsSchema, type OllamaVramOptions } from './config.js';

/**
 * ollamaVramCollector reports `vram_used_bytes` (sum of `size_vram` in Ollama's `GET /api/ps`),
 * `vram_total_bytes` (always null) and `ollama_models` (the loaded models), and contributes `ollama_url` and
 * `ollama_version` to the hub handshake.
 */
export const ollamaVramCollector = defineCollector<OllamaVramOptions>({
  name: 'ollama-vram',
  description: 'GPU memory used by the models loaded in Ollama, and the models, from GET /api/ps.',
  fields: ['vram_used_bytes', 'vram_total_bytes', 'ollama_models'],
  identifyFields: ['ollama_url', 'ollama_version'],
  options: ollamaVramOptionsSchema,
  create: (ctx) => createOllamaVramCollector(ctx.options),
});
