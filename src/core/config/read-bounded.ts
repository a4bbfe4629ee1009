import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** ReadRefusal is a file `readBounded` will not read, with the reason as a sentence fragment ("is a FIFO, ..."). */
export class ReadRefusal extends Error {}

/**
 * readBounded reads a whole regular file of at most `maxBytes`, without ever holding more than `maxBytes + 1`
 * bytes. It stats the path before opening it, so a FIFO (whose open would wait for a writer), a device
 * (`/dev/zero` never ends) or a 5 GB file is refused at once, and it counts while reading, so a file that grows
 * after the stat is refused too. System errors (ENOENT, EACCES, ...) are thrown as they are.
 */
export async function readBounded(file: string, maxBytes: number): Promise<Buffer> {
  checkStats(await stat(file), maxBytes);
  // O_NONBLOCK: a path swapped for a FIFO after the stat must not block the open (POSIX only; 0 on Windows).
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    checkStats(await handle.stat(), maxBytes);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(`grew past ${maxBytes} bytes while being read`, maxBytes);
    }
  } finally {
    await handle.close();
  }
}

function checkStats(stats: Stats, maxBytes: number): void {
  const kind = fileKind(stats);
  if (kind) throw new ReadRefusal(`is ${kind}, not a regular file; a config must be a regular file`);
  if (stats.size > maxBytes) throw tooLarge(`is ${stats.size} bytes`, maxBytes);
}

function tooLarge(what: string, maxBytes: number): ReadRefusal {
  return new ReadRefusal(`${what}; a config is at most ${maxBytes === 1024 * 1024 ? '1 MiB' : `${maxBytes} bytes`}`);
}

function fileKind(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}
