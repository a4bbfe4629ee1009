import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginManifest } from '../contracts/plugin.js';
import { describeError, ErrorCode, SidecarError } from '../errors.js';
import { checkManifest } from './check-manifest.js';
import { DeadlineError, withDeadline } from '../deadline.js';
import { isPathSpecifier, pluginFileUrl } from './plugin-path.js';
import { resolvePackagePlugin, resolvePathPlugin } from './resolve-module.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { locateSyntaxError } from './syntax-error-location.js';

export { isPathSpecifier } from './plugin-path.js';
export { nodeModulePaths, packageEntry, resolveExports, resolvePackagePlugin } from './resolve-module.js';

/** PluginSource says where a plugin came from. */
export type PluginSource = 'builtin' | 'path' | 'package' | 'embedded';

/** LoadedPlugin is a checked manifest plus where it was found (a module file for path and package plugins). */
export interface LoadedPlugin {
  readonly manifest: PluginManifest;
  readonly source: PluginSource;
  /** location is the built-in name, or the absolute file the module was loaded from. */
  readonly location: string;
}

/** LoadOptions are seams for tests. */
export interface LoadOptions {
  /** installDir is the sidecar's own installation, searched for packages after the config's directory. */
  readonly installDir?: string;
}

/** SIDECAR_INSTALL_DIR is the root of this package (the same from `src/`, `dist/` and the bundled command). */
export const SIDECAR_INSTALL_DIR = resolve(PACKAGE_ROOT);



/**
 * loadPlugin finds the plugin a `plugin` value names and checks its manifest: a built-in name first, then a
 * module path relative to the config file's directory, then an npm package searched in the node_modules of
 * the config's directory and its parents, then in those of the sidecar's installation.
 */
export async function loadPlugin(
  spec: string,
  configDir: string,
  builtins: ReadonlyMap<string, PluginManifest>,
  options: LoadOptions = {},
): Promise<LoadedPlugin> {
  const builtin = builtins.get(spec);
  if (builtin) return { manifest: named(spec, undefined, () => checkManifest(builtin)), source: 'builtin', location: spec };
  const path = isPathSpecifier(spec);
  const file = path ? resolvePathPlugin(spec, configDir) : resolvePackagePlugin(spec, [configDir, options.installDir ?? SIDECAR_INSTALL_DIR], builtins);
  const namespace = await importPlugin(spec, file);
  const manifest = named(spec, file, () => checkManifest(manifestOf(namespace)));
  return { manifest, source: path ? 'path' : 'package', location: file };
}

/**
 * IMPORT_TIMEOUT_MS bounds how long a plugin module may take to load: one whose top-level await never settles
 * must not hang the sidecar, or (with nothing else pending) end it silently.
 */
export const IMPORT_TIMEOUT_MS = 10_000;

/** importPlugin imports a module file; a failure is one PLUGIN_IMPORT_FAILED line naming plugin, file and cause. */
export async function importPlugin(spec: string, file: string, timeoutMs = IMPORT_TIMEOUT_MS): Promise<Record<string, unknown>> {
  try {
    const loading = import(pluginFileUrl(file)) as Promise<Record<string, unknown>>;
    return await withDeadline(() => loading, timeoutMs).catch((err: unknown) => {
      throw err instanceof DeadlineError ? new Error(`it did not finish loading within ${timeoutMs} ms (a top-level await that never settles?)`) : err;
    });
  } catch (err) {
    // A syntax error names its place (`syntax error at /x/plugin.mjs:4:7: Unexpected token '}'`), or a user looks for it.
    const where = await locateSyntaxError(err, file);
    const reason = where ? `syntax error at ${where.file}:${where.line}:${where.column}: ${where.message}` : describeError(err);
    throw new SidecarError(ErrorCode.PLUGIN_IMPORT_FAILED, `plugin ${JSON.stringify(spec)} failed to import ${file}: ${reason}`, true, {
      cause: err,
    });
  }
}

/**
 * manifestOf picks the manifest out of a module namespace: the default export, else a named `plugin` export.
 * For CommonJS, `module.exports` is the default, so `module.exports.plugin` and `exports.default` count too.
 */
export function manifestOf(namespace: Record<string, unknown>): unknown {
  const main = namespace.default as Record<string, unknown> | undefined;
  const candidates = [main, namespace.plugin, main?.plugin, main?.default];
  return candidates.find(looksLikeManifest);
}

function looksLikeManifest(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return ['apiVersion', 'kind', 'name', 'create'].some((key) => key in value);
}

function named<T>(spec: string, file: string | undefined, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof SidecarError)) throw err;
    const where = file ? ` (${file})` : '';
    throw new SidecarError(err.code, `plugin ${JSON.stringify(spec)}${where}: ${err.message}`);
  }
}
