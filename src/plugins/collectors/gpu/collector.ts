import type { Collector, Logger } from '../../../plugin.js';
import type { GpuOptions } from './config.js';
import { gpuFields, NO_GPU_FIELDS, type GpuDevice } from './devices.js';
import { NVIDIA_SMI_ARGS, parseNvidiaSmi } from './nvidia-smi.js';
import { parseRocmSmi, ROCM_SMI_ARGS } from './rocm-smi.js';
import { runTool, ToolNotFoundError, type RunTool } from '../shared/run-tool.js';

/** GpuTool is one vendor's command line tool: how to run it and how to read what it prints. */
interface GpuTool {
  readonly command: string;
  readonly args: readonly string[];
  readonly parse: (text: string) => GpuDevice[];
}

/** toolsFor lists the tools to try, in order, for the configured vendor. */
function toolsFor(options: GpuOptions): GpuTool[] {
  const nvidia: GpuTool = { command: options.nvidia_smi, args: NVIDIA_SMI_ARGS, parse: parseNvidiaSmi };
  const amd: GpuTool = { command: options.rocm_smi, args: ROCM_SMI_ARGS, parse: parseRocmSmi };
  return options.vendor === 'nvidia' ? [nvidia] : options.vendor === 'amd' ? [amd] : [nvidia, amd];
}

/**
 * createGpuCollector builds a collector that runs nvidia-smi or rocm-smi (per `vendor`; `auto` tries nvidia-smi,
 * then rocm-smi, and keeps to the first one that exists) once per collection, under the host's deadline.
 * When no tool is installed it reports every field as null and logs that once (again only after a tool had been
 * found and went away). A tool that is there but fails, or prints what cannot be read, rejects the collection
 * with a one-line Error; the host logs it.
 */
export function createGpuCollector(
  options: GpuOptions,
  logger: Pick<Logger, 'info'>,
  run: RunTool = runTool,
): Collector {
  const tools = toolsFor(options);
  const disposed = new AbortController();
  let found: GpuTool | undefined;
  let absenceLogged = false;
  return {
    async collect(signal: AbortSignal) {
      const combined = AbortSignal.any([signal, disposed.signal]);
      const order = found ? [found, ...tools.filter((t) => t !== found)] : tools;
      for (const tool of order) {
        let text: string;
        try {
          text = await run(tool.command, tool.args, combined);
        } catch (err) {
          if (err instanceof ToolNotFoundError) continue;
          throw err;
        }
        found = tool;
        absenceLogged = false;
        try {
          return gpuFields(tool.parse(text));
        } catch (err) {
          throw new Error(`${tool.command}: unexpected output: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
      found = undefined;
      if (!absenceLogged) {
        absenceLogged = true;
        const tried = tools.map((t) => t.command).join(', ');
        logger.info({ tried }, `No GPU tool found (tried ${tried}); GPU fields are null`);
      }
      return NO_GPU_FIELDS;
    },
    dispose() {
      disposed.abort();
    },
  };
}
