/** VmStat is what `vm_stat` printed: the page size from its header and every `<name>: <pages>.` line by name. */
export interface VmStat {
  readonly pageSize: number;
  readonly pages: ReadonlyMap<string, number>;
}

const HEADER = /page size of (\d+) bytes/;
const LINE = /^"?([^":]+?)"?:\s+(\d+)\.?$/;

/**
 * parseVmStat reads the output of macOS's `vm_stat` (no arguments): the header `Mach Virtual Memory Statistics:
 * (page size of 16384 bytes)` and one `Pages free:   24141.` line per counter. Lines it does not recognise
 * (counters a newer macOS adds) are ignored. It throws an Error for output without the page-size header.
 */
export function parseVmStat(text: string): VmStat {
  const header = HEADER.exec(text);
  const pageSize = header ? Number(header[1]) : NaN;
  if (!Number.isSafeInteger(pageSize) || pageSize <= 0) throw new Error('no "page size of N bytes" header');
  const pages = new Map<string, number>();
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line.trim());
    if (match) pages.set(match[1]!, Number(match[2]));
  }
  return { pageSize, pages };
}

/**
 * AVAILABLE_PAGES are the page counts whose sum is the memory available to new work on macOS: free pages, the
 * inactive list (reclaimed before anything else), purgeable pages (volatile caches apps have offered up) and
 * speculative pages (read ahead, not yet used). What remains in use is roughly Activity Monitor's "Memory Used"
 * (app + wired + compressed).
 */
export const AVAILABLE_PAGES = ['Pages free', 'Pages inactive', 'Pages purgeable', 'Pages speculative'] as const;

/**
 * availableBytes is the sum of AVAILABLE_PAGES in bytes. It throws an Error naming a counter that is missing, or
 * when the sum is not a safe integer.
 */
export function availableBytes(stat: VmStat): number {
  let pages = 0;
  for (const name of AVAILABLE_PAGES) {
    const count = stat.pages.get(name);
    if (count === undefined) throw new Error(`no "${name}" line`);
    pages += count;
  }
  const bytes = pages * stat.pageSize;
  if (!Number.isSafeInteger(bytes)) throw new Error(`${pages} pages of ${stat.pageSize} bytes is not a whole number of bytes`);
  return bytes;
}
