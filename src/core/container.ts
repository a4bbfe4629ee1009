import { container as globalContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { Clock } from './contracts/clock.js';
import { Logger } from './contracts/logger.js';
import type { PluginContext, PluginManifest } from './contracts/plugin.js';
import { SidecarConfig } from './config/sidecar-config.js';

/** PluginManifestToken is the manifest of the plugin a child container was made for. */
export const PluginManifestToken: InjectionToken<PluginManifest> = Symbol('PluginManifest');
/** PluginContextToken is the context handed to that plugin's `create`. */
export const PluginContextToken: InjectionToken<PluginContext<unknown>> = Symbol('PluginContext');
/** PluginLogger is the logger bound to that plugin instance. */
export const PluginLogger: InjectionToken<Logger> = Symbol('PluginLogger');

/** RootServices are the shared services every plugin container inherits. */
export interface RootServices {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly config: SidecarConfig;
}

/**
 * createRootContainer is the composition root: one child of tsyringe's global container per sidecar, so two
 * sidecars in one process (or one per test) never share registrations.
 */
export function createRootContainer(services: RootServices): DependencyContainer {
  const root = globalContainer.createChildContainer();
  root.registerInstance(Logger, services.logger);
  root.registerInstance(Clock, services.clock);
  root.registerInstance(SidecarConfig, services.config);
  return root;
}

/** PluginRegistration is what a plugin's child container holds besides the root's services. */
export interface PluginRegistration<Context extends PluginContext<unknown>> {
  readonly manifest: PluginManifest;
  readonly context: Context;
}

/** createPluginContainer makes the child container of one configured plugin instance. */
export function createPluginContainer<Context extends PluginContext<unknown>>(
  root: DependencyContainer,
  registration: PluginRegistration<Context>,
): DependencyContainer {
  const child = root.createChildContainer();
  child.registerInstance(PluginManifestToken, registration.manifest);
  child.registerInstance(PluginContextToken, registration.context);
  child.registerInstance(PluginLogger, registration.context.logger);
  return child;
}
