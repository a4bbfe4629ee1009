import { z } from 'zod';

const URL_MESSAGE = 'must be an http:// or https:// URL such as "http://127.0.0.1:11434"';

/** checkOllamaUrl says what is wrong with an Ollama base URL, or returns undefined when it is usable. */
export function checkOllamaUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return URL_MESSAGE;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return URL_MESSAGE;
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.search || url.hash) return 'must not contain a query (?) or fragment (#)';
  return undefined;
}

/** ollamaVramOptionsSchema checks the ollama-vram collector's options and fills their defaults. */
export const ollamaVramOptionsSchema = z.strictObject({
  url: z
    .string()
    .max(512)
    .check((ctx) => {
      const problem = checkOllamaUrl(ctx.value);
      if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
    })
    .default('http://127.0.0.1:11434')
    .describe('Base URL of the Ollama server; the collector reads {url}/api/ps. Also sent to the hub as ollama_url.'),
  models: z
    .boolean()
    .default(true)
    .describe('Whether to report the loaded models as ollama_models (null when false).'),
});

/** OllamaVramOptions are the ollama-vram collector's options after defaults. */
export type OllamaVramOptions = z.output<typeof ollamaVramOptionsSchema>;
