import { defineCollector } from '../../../plugin.js';
import { createOllamaVramCollector } from './collector.js';
import { ollamaVramOptionsSchema, type OllamaVramOptions } from './config.js';

/**
 * ollamaVramCollector reports `vram_used_bytes` (sum of `size_vram` in Ollama's `GET /api/ps`) and
 * `vram_total_bytes` (always null), and contributes `ollama_url` to the hub handshake.
 */
export const ollamaVramCollector = defineCollector<OllamaVramOptions>({
  name: 'ollama-vram',
  description: 'GPU memory used by the models loaded in Ollama, from GET /api/ps.',
  fields: ['vram_used_bytes', 'vram_total_bytes'],
  identifyFields: ['ollama_url'],
  options: ollamaVramOptionsSchema,
  create: (ctx) => createOllamaVramCollector(ctx.options),
});
