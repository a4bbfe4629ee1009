import type { RunTool } from '../shared/run-tool.js';
import { availableBytes, parseVmStat } from './vm-stat.js';

/** VM_STAT is macOS's own vm_stat, by absolute path: a launchd job's PATH is short, and no other one will do. */
export const VM_STAT = '/usr/bin/vm_stat';

/**
 * readDarwinAvailable runs `vm_stat` (no shell, killed when `signal` aborts) and returns the bytes available to
 * new work: free + inactive + purgeable + speculative pages (see AVAILABLE_PAGES). Not `os.freemem()`, which on
 * macOS counts only free pages and would make an idle Mac look 95 % full. It rejects with a one-line Error when
 * vm_stat cannot run or prints what it cannot read.
 */
export async function readDarwinAvailable(run: RunTool, signal: AbortSignal): Promise<number> {
  const text = await run(VM_STAT, [], signal);
  try {
    return availableBytes(parseVmStat(text));
  } catch (err) {
    throw new Error(`${VM_STAT}: unexpected output: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
