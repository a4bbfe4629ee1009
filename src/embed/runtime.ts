/**
 * The embedded runtime, imported by the package root only when a host first starts a sidecar or collects: the
 * Reflect polyfill, tsyringe, pino and valibot are loaded here, not by `require('llm-sidecar')`.
 */
import 'reflect-metadata';
import { Sidecar } from '../core/sidecar.js';
import { loadEmbedConfig } from './embed-config.js';
import { toLogger } from './host-logger.js';
import type { EmbedOptions } from './options.js';

export { toLogger } from './host-logger.js';
export { Sidecar } from '../core/sidecar.js';

/**
 * createRuntime loads the config (only the built-ins it names), creates every plugin and, when `start`, begins
 * the schedule. Config problems reject with a ConfigError listing each one.
 */
export async function createRuntime(options: EmbedOptions, start: boolean): Promise<Sidecar> {
  const useConfigured = options.useConfiguredTransports ?? true;
  const { config, builtins } = await loadEmbedConfig(options.config, { transports: useConfigured });
  const sidecar = await Sidecar.create({
    config,
    builtins,
    logger: toLogger(options.logger, options.logLevel),
    transports: options.transports,
    startTransports: useConfigured,
  });
  if (start) sidecar.start();
  return sidecar;
}
