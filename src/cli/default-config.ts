// Its own module so that the command-line declarations (program.ts) can name it without loading setup.ts,
// which imports the logger and every built-in plugin.

/** DEFAULT_CONFIG is used when neither --config nor SIDECAR_CONFIG names a file. */
export const DEFAULT_CONFIG = 'plugins.json';
