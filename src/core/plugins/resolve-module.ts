import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { closest } from '../did-you-mean.js';
import { describeError, ErrorCode, SidecarError } from '../errors.js';
import { pluginPathTarget } from './plugin-path.js';

// The conditions Node applies when it imports a module (module-sync: Node >= 22.10).
const IMPORT_CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

/**
 * resolvePathPlugin finds the module file a path plugin value names (`./`, `../`, `.\`, `..\`, or absolute),
 * relative to the config's directory.
 */
export function resolvePathPlugin(spec: string, configDir: string): string {
  const target = pluginPathTarget(spec, configDir);
  const file = isDirectory(target) ? packageEntry(target, '.', spec) : target;
  if (!isFile(file)) throw notFound(`plugin ${JSON.stringify(spec)}: no module at ${file} (paths are relative to the config file's directory ${configDir})`);
  return realpathSync(file);
}

/**
 * resolvePackagePlugin finds the module file of package `spec` (optionally `name/subpath`) in the node_modules
 * of each root and its parents, in order; Node's own `require.resolve` is not used, since it cannot see
 * packages whose `exports` offer only `import` conditions.
 */
export function resolvePackagePlugin(spec: string, roots: readonly string[], builtins?: ReadonlyMap<string, unknown>): string {
  const { name, subpath } = splitPackageSpec(spec);
  const searched: string[] = [];
  for (const root of roots) {
    for (const modules of nodeModulePaths(resolve(root))) {
      const dir = join(modules, name);
      if (!isDirectory(dir)) continue;
      const file = packageEntry(dir, subpath, spec);
      if (!isFile(file)) throw notFound(`plugin ${JSON.stringify(spec)}: package found at ${dir}, but its entry ${file} does not exist`);
      return realpathSync(file);
    }
    searched.push(root);
  }
  const where = [...new Set(searched)].map((r) => `${r} or its parents`).join(', nor of ');
  const guess = builtins ? closest(spec, [...builtins.keys()]) : undefined;
  if (guess) throw notFound(`plugin ${JSON.stringify(spec)}: did you mean the built-in "${guess}"? (no package ${JSON.stringify(name)} in the node_modules of ${where})`);
  const known = builtins ? ` is not a built-in (${[...builtins.keys()].join(', ')}), and` : ':';
  throw notFound(`plugin ${JSON.stringify(spec)}${known} no package ${JSON.stringify(name)} was found in the node_modules of ${where}`);
}

function splitPackageSpec(spec: string): { name: string; subpath: string } {
  const parts = spec.split('/');
  const count = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, count).join('/');
  const valid = /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/i.test(name) && parts.length >= count && !parts.includes('..');
  if (!valid) throw notFound(`plugin ${JSON.stringify(spec)} is neither a built-in, a path (./, ../, .\\, ..\\ or absolute, such as /opt/x.js or C:\\plug\\x.js) nor a valid package name`);
  const rest = parts.slice(count).join('/');
  return { name, subpath: rest ? `./${rest}` : '.' };
}

/** nodeModulePaths lists `node_modules` folders from `dir` up to the root, as Node searches them. */
export function nodeModulePaths(dir: string): string[] {
  const paths: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    if (parse(current).base !== 'node_modules') paths.push(join(current, 'node_modules'));
    if (dirname(current) === current) return paths;
  }
}

/** packageEntry is the file `subpath` of the package in `dir` maps to: its `exports` if any, else `main` or index.js. */
export function packageEntry(dir: string, subpath: string, spec: string): string {
  const pkg = readPackageJson(dir, spec);
  if (pkg.exports !== undefined && pkg.exports !== null) {
    const target = resolveExports(pkg.exports, subpath);
    if (target === undefined) throw notFound(`plugin ${JSON.stringify(spec)}: package ${dir} does not export "${subpath}" for import`);
    return join(dir, target);
  }
  if (subpath !== '.') return withExtension(join(dir, subpath));
  const main = typeof pkg.main === 'string' ? withExtension(join(dir, pkg.main)) : undefined;
  const index = join(dir, 'index.js');
  return main && (isFile(main) || !isFile(index)) ? main : index;
}

function withExtension(file: string): string {
  if (isFile(file)) return file;
  const candidates = ['.js', '.mjs', '.cjs', '/index.js'].map((ext) => file + ext);
  return candidates.find(isFile) ?? file;
}

function readPackageJson(dir: string, spec: string): { exports?: unknown; main?: unknown } {
  const file = join(dir, 'package.json');
  if (!isFile(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { exports?: unknown; main?: unknown };
  } catch (err) {
    throw notFound(`plugin ${JSON.stringify(spec)}: cannot read ${file}: ${describeError(err)}`);
  }
}

/** resolveExports maps a subpath through an `exports` field with Node's import conditions; undefined if not exported. */
export function resolveExports(exports: unknown, subpath: string): string | undefined {
  const map = isSubpathMap(exports) ? (exports as Record<string, unknown>) : { '.': exports };
  if (subpath in map) return resolveTarget(map[subpath], '');
  for (const [key, target] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      return resolveTarget(target, subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return undefined;
}

function isSubpathMap(exports: unknown): boolean {
  return typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
}

function resolveTarget(target: unknown, match: string): string | undefined {
  if (typeof target === 'string') return target.startsWith('./') ? target.replaceAll('*', match) : undefined;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = resolveTarget(item, match);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      const found = resolveTarget(value, match);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function notFound(message: string): SidecarError {
  return new SidecarError(ErrorCode.PLUGIN_NOT_FOUND, message);
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
