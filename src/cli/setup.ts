import { BUILTIN_PLUGINS } from '../plugins/builtin.js';
import type { Logger } from '../core/contracts/logger.js';
import { loadCheckedConfig } from '../core/plugins/load-checked-config.js';
import type { SidecarConfig } from '../core/config/sidecar-config.js';
import { createLogger, parseLogLevel, SecretScrubber } from '../core/logger.js';
import { isSecretKey, urlPasswords } from '../core/secret-keys.js';

import { DEFAULT_CONFIG } from './default-config.js';

export { DEFAULT_CONFIG };

/** configPath picks the config file: --config, then $SIDECAR_CONFIG, then ./plugins.json. */
export function configPath(flag: string | undefined): string {
  return flag ?? (process.env.SIDECAR_CONFIG || DEFAULT_CONFIG);
}

/** CliContext is what every command starts from: the config and a logger that scrubs its secrets. */
export interface CliContext {
  readonly config: SidecarConfig;
  readonly logger: Logger;
  readonly scrubber: SecretScrubber;
  readonly builtins: typeof BUILTIN_PLUGINS;
}

/** createCliLogger builds the stderr logger at LOG_LEVEL; a bad LOG_LEVEL is a usage error. */
export function createCliLogger(scrubber: SecretScrubber): Logger {
  return createLogger({ level: parseLogLevel(process.env.LOG_LEVEL), scrubber });
}

/**
 * registerSecrets adds every option value that is a secret by its key (isSecretKey: `token`, `db_password`,
 * `client_secret`, `api_key`...; every string inside it when it is an object or a list), at any depth of objects
 * and lists, to the scrubber, and the password of any string that reads as a URL with userinfo
 * (`ws://user:pass@hub`, under `url`, `dsn`, `endpoint` or any key), as written and decoded. The user name is not a secret (and scrubbing a short common
 * word would mangle every line); plugins log URLs without userinfo. The scrubber ignores values too short to
 * hunt for in free text; those are censored where they are logged under their key.
 */
export function registerSecrets(config: SidecarConfig, scrubber: SecretScrubber): void {
  const visit = (value: unknown, key: string | undefined, underSecret: boolean, depth: number): void => {
    const secret = underSecret || (key !== undefined && isSecretKey(key));
    if (typeof value === 'string') {
      if (secret) scrubber.add(value);
      // Any string that reads as a URL with a password (`url`, `dsn`, `endpoint`, a list of them...).
      if (value.includes('@') && value.includes('://')) for (const password of urlPasswords(value)) scrubber.add(password);
    } else if (typeof value === 'object' && value !== null && depth < 32) {
      if (Array.isArray(value)) for (const item of value) visit(item, undefined, secret, depth + 1);
      else for (const [k, v] of Object.entries(value)) visit(v, k, secret, depth + 1);
    }
  };
  for (const entry of [...config.collectors, ...config.transports]) visit(entry.options, undefined, false, 0);
}

/** setup loads the config named on the command line and makes the logger. */
export async function setup(flag: string | undefined): Promise<CliContext> {
  const scrubber = new SecretScrubber();
  const logger = createCliLogger(scrubber);
  const config = await loadCheckedConfig(configPath(flag), BUILTIN_PLUGINS);
  registerSecrets(config, scrubber);
  return { config, logger, scrubber, builtins: BUILTIN_PLUGINS };
}
