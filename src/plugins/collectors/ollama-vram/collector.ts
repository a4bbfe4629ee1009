import type { Collector, IdentifyFields } from '../../../plugin.js';
import type { OllamaVramOptions } from './config.js';
import { getJson, oneLine } from './get-json.js';
import { HttpGetter } from './http-get.js';
import { ollamaModels } from './ollama-models.js';
import { parsePs } from './parse-ps.js';
import { readVersion } from './read-version.js';


/** psEndpoint is the `/api/ps` URL under an Ollama base URL (a trailing slash on the base is ignored). */
export function psEndpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/ps`;
}

/**
 * createOllamaVramCollector builds a collector that reads `GET {url}/api/ps` once per collection and reports
 * the sum of the loaded models' `size_vram` as `vram_used_bytes`, the models themselves as `ollama_models`
 * (null when the `models` option is off), and `vram_total_bytes` as null (Ollama has no total).
 * Any failure (refused, aborted, non-200, oversized, not JSON, wrong shape) rejects with a one-line Error
 * `GET <endpoint>: <reason>`. It does not log: the host reports failures, once per change.
 * Its identify gives `ollama_url` (`advertise_url`, else `url`), and `ollama_version` from `GET {url}/api/version`
 * when that answers. The version is asked on a connection of its own, never queued behind a `/api/ps` that hangs.
 */
export function createOllamaVramCollector(options: OllamaVramOptions): Collector {
  const endpoint = psEndpoint(options.url);
  const getter = new HttpGetter();
  // Not kept alive: asked once per handshake, and a fresh connection cannot be held by a stalled /api/ps.
  const versionGetter = new HttpGetter({ keepAlive: false });
  const ollamaUrl = options.advertise_url ?? options.url;
  return {
    async collect(signal: AbortSignal) {
      const body = await getJson(getter, endpoint, signal);
      let summary;
      try {
        summary = parsePs(body);
      } catch (err) {
        throw new Error(`GET ${endpoint}: unexpected response: ${oneLine(err instanceof Error ? err.message : String(err))}`, { cause: err });
      }
      return {
        vram_used_bytes: summary.vramUsedBytes,
        vram_total_bytes: null,
        ollama_models: options.models ? ollamaModels(summary.models) : null,
      };
    },
    async identify(signal: AbortSignal): Promise<IdentifyFields> {
      const version = await readVersion(options.url, signal, versionGetter);
      return version === undefined ? { ollama_url: ollamaUrl } : { ollama_url: ollamaUrl, ollama_version: version };
    },
    dispose() {
      getter.close();
      versionGetter.close();
    },
  };
}
