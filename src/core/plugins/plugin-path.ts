import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, SidecarError } from '../errors.js';

/** PathApi is node:path for one OS (`path.win32` or `path.posix`), so Windows rules can be tested on Linux. */
export type PathApi = typeof path.posix;

const RELATIVE = /^\.\.?[\\/]/;
// Win32 long-path prefixes: `\\?\C:\x` is C:\x, `\\?\UNC\server\share\x` is \\server\share\x.
const LONG_UNC = /^[\\/][\\/][?.][\\/]UNC[\\/]/i;
const LONG = /^[\\/][\\/][?.][\\/](?=[A-Za-z]:)/;

/**
 * isPathSpecifier tells a module path from a package or built-in name: `./`, `../`, `.\`, `..\`, or absolute
 * by either OS's rules (`/opt/x.js`, `C:\plug\x.js`, `C:/plug/x.js`, `\\server\share\x.js`, `\\?\Z:\x.js`),
 * whatever OS reads the file, so a config written on Windows is never mistaken for a package name.
 */
export function isPathSpecifier(spec: string): boolean {
  return RELATIVE.test(spec) || path.win32.isAbsolute(spec) || path.posix.isAbsolute(spec);
}

/**
 * pluginPathTarget is the absolute file a path specifier names, relative to the config file's directory,
 * by the rules of `api` (the running OS's by default). On POSIX, `.\` and `..\` paths have their backslashes
 * read as separators (a config written on Windows), and a drive or UNC path is a PLUGIN_NOT_FOUND saying why.
 */
export function pluginPathTarget(spec: string, configDir: string, api: PathApi = path): string {
  if (api.sep === '\\') return api.resolve(configDir, stripLongPrefix(spec));
  if (RELATIVE.test(spec)) return api.resolve(configDir, spec.replaceAll('\\', '/'));
  if (!api.isAbsolute(spec)) {
    throw new SidecarError(
      ErrorCode.PLUGIN_NOT_FOUND,
      `plugin ${JSON.stringify(spec)} is a Windows path; on this system use a path starting with /, ./ or ../`,
    );
  }
  return api.resolve(configDir, spec);
}

/** pluginFileUrl is the file URL a plugin module is imported through (a bare `C:\x.js` would read as a URL scheme). */
export function pluginFileUrl(file: string, api: PathApi = path): string {
  return pathToFileURL(file, { windows: api.sep === '\\' }).href;
}

function stripLongPrefix(spec: string): string {
  if (LONG_UNC.test(spec)) return `\\\\${spec.replace(LONG_UNC, '')}`;
  return spec.replace(LONG, '');
}
