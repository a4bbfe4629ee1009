import * as v from 'valibot';
import { strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

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

/** ollamaUrl is an Ollama base URL option, checked by checkOllamaUrl and at most 512 characters (the hub's limit). */
const ollamaUrl = (description: string) =>
  v.pipe(
    v.string(),
    v.maxLength(512),
    v.check((value) => checkOllamaUrl(value) === undefined, (issue) => checkOllamaUrl(issue.input) ?? URL_MESSAGE),
    v.description(description),
  );

/** ollamaVramOptionsSchema checks the ollama-vram collector's options and fills their defaults. */
export const ollamaVramOptionsSchema = withFriendlyIssues(
  strictObject({
    url: v.optional(
      ollamaUrl('Base URL of the Ollama server; the collector reads {url}/api/ps. Sent to the hub as ollama_url unless advertise_url is set.'),
      'http://127.0.0.1:11434',
    ),
    advertise_url: v.optional(
      ollamaUrl("The Ollama URL sent to the hub as ollama_url, as the hub's machine reaches it; defaults to url."),
    ),
    models: v.optional(v.pipe(v.boolean(), v.description('Whether to report the loaded models as ollama_models (null when false).')), true),
  }),
);

/** OllamaVramOptions are the ollama-vram collector's options after defaults. */
export type OllamaVramOptions = v.InferOutput<typeof ollamaVramOptionsSchema>;
