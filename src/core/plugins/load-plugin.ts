import type { PluginManifest } from '../contracts/plugin.js';
import { ErrorCode, SidecarError } from '../errors.js';
import { checkManifest } from './check-manifest.js';

/** PluginSource says where a plugin came from. */
export type PluginSource = 'builtin' | 'path' | 'package' | 'embedded';

/** LoadedPlugin is a checked manifest plus where it was found (a module file for path and package plugins). */
export interface LoadedPlugin {
  readonly manifest: PluginManifest;
  readonly source: PluginSource;
  /** location is the built-in name, or the absolute file the module was loaded from. */
  readonly location: string;
}

/** isPathSpecifier tells a module path (`./x.js`, `../x`, `/abs/x.mjs`) from a package or built-in name. */
export function isPathSpecifier(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/');
}

/**
 * loadPlugin finds the plugin a `plugin` value names: a built-in first, then a module path relative to the
 * config file, then an npm package.
 */
export async function loadPlugin(
  spec: string,
  configDir: string,
  builtins: ReadonlyMap<string, PluginManifest>,
): Promise<LoadedPlugin> {
  const builtin = builtins.get(spec);
  if (builtin) return { manifest: checkManifest(builtin), source: 'builtin', location: spec };
  void configDir;
  const known = [...builtins.keys()].join(', ');
  throw new SidecarError(
    ErrorCode.PLUGIN_NOT_FOUND,
    `plugin "${spec}" is not a built-in (${known}); paths and packages are not supported yet`,
  );
}
