/**
 * The sidecar as a library, for a host process that embeds it (one that already holds a hub connection, say):
 * start the collectors from a config and receive every report through a transport given in code.
 */
import 'reflect-metadata';
import type { Transport } from './core/contracts/plugin.js';
import type { Logger } from './core/contracts/logger.js';
import { loadConfig, parseConfigObject } from './core/config/load-config.js';
import type { SidecarConfig } from './core/config/sidecar-config.js';
import { createLogger } from './core/logger.js';
import { withPluginProblems } from './core/plugins/load-checked-config.js';
import { Sidecar } from './core/sidecar.js';
import { BUILTIN_PLUGINS } from './plugins/builtin.js';

export { Sidecar, type SidecarOptions, type SidecarStatus } from './core/sidecar.js';
export { loadConfig, parseConfigObject, parseConfigText } from './core/config/load-config.js';
export type { SidecarConfig, AgentConfig } from './core/config/sidecar-config.js';
export { ConfigError, SidecarError, ErrorCode, type Problem } from './core/errors.js';
export { createLogger } from './core/logger.js';
export { BUILTIN_PLUGINS } from './plugins/builtin.js';
export { startDevHub, type DevHub, type DevHubOptions } from './hub/dev-hub.js';
export * from './plugin.js';

/** EmbedOptions say what to run and where the reports go. */
export interface EmbedOptions {
  /** config is a plugins.json path, or the same document as an object. */
  readonly config: string | Record<string, unknown>;
  /** transports receive every report (for example, one that writes to the host's own hub connection). */
  readonly transports?: readonly Transport[];
  /** useConfiguredTransports false ignores the config's `transports` (default: true). */
  readonly useConfiguredTransports?: boolean;
  /** logger defaults to JSON lines on stderr at info. */
  readonly logger?: Logger;
  /** start false creates everything but leaves the schedule to the caller (collectOnce). Default true. */
  readonly start?: boolean;
}

/**
 * startSidecar loads the config, creates every plugin, and starts the schedule. Config problems reject with a
 * ConfigError listing each one. Stop it with `await sidecar.stop()`.
 */
export async function startSidecar(options: EmbedOptions): Promise<Sidecar> {
  const source = options.config;
  const config: SidecarConfig = await withPluginProblems(
    () => (typeof source === 'string' ? loadConfig(source) : parseConfigObject(source)),
    BUILTIN_PLUGINS,
  );
  const sidecar = await Sidecar.create({
    config,
    builtins: BUILTIN_PLUGINS,
    logger: options.logger ?? createLogger(),
    transports: options.transports,
    startTransports: options.useConfiguredTransports ?? true,
  });
  if (options.start ?? true) sidecar.start();
  return sidecar;
}
