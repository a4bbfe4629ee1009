import { ToolNotFoundError, type RunTool } from '../shared/run-tool.js';
import type { GpuDevice } from './devices.js';

/**
 * GpuSource is one way of reading the GPUs (a vendor's tool, the driver's sysfs files, macOS's registry). `read`
 * resolves the devices, or undefined when this source is not present on the host (the tool is not installed, the
 * driver has no such GPU); it rejects with a one-line Error when it is present but fails.
 */
export interface GpuSource {
  /** name says what was tried, in the "No GPU tool found" line. */
  readonly name: string;
  read(signal: AbortSignal): Promise<GpuDevice[] | undefined>;
}

/**
 * toolSource runs the first of `commands` that exists (a later one is a fallback location of the same tool) with
 * `args`, and parses its output with `parse`; a parse failure is `<command>: unexpected output: <why>`.
 */
export function toolSource(
  commands: readonly string[],
  args: readonly string[],
  parse: (text: string) => GpuDevice[],
  run: RunTool,
): GpuSource {
  return {
    name: commands.join(' or '),
    async read(signal) {
      for (const command of commands) {
        let text: string;
        try {
          text = await run(command, args, signal);
        } catch (err) {
          if (err instanceof ToolNotFoundError) continue;
          throw err;
        }
        return parseOutput(command, text, parse);
      }
      return undefined;
    },
  };
}

/** parseOutput parses a tool's output, wrapping a failure as `<command>: unexpected output: <why>`. */
export function parseOutput<T>(command: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    throw new Error(`${command}: unexpected output: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
