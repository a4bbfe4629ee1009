import { parseConfigText } from '../../src/core/config/load-config.js';
import type { SidecarConfig } from '../../src/core/config/sidecar-config.js';

/** testConfig builds a checked config from an object, as if read from `plugins.json` in `dir`. */
export function testConfig(doc: unknown, dir = process.cwd()): SidecarConfig {
  const config = parseConfigText(JSON.stringify(doc), 'plugins.json', {});
  return { ...config, dir };
}
