/**
 * decodeConfigText turns a config file's bytes into text: UTF-8 (with or without a byte-order mark) and UTF-16
 * LE or BE (with a mark, as PowerShell 5's `>` and Notepad's "Unicode" write it, or without one, told apart by
 * where the zero bytes of the leading ASCII fall, as RFC 4627 describes). Anything else (UTF-32, invalid UTF-8,
 * a truncated UTF-16 file) throws an Error whose message says which encoding was found and what to save instead.
 */
export function decodeConfigText(bytes: Buffer): string {
  const encoding = sniffEncoding(bytes);
  switch (encoding) {
    case 'utf-8':
      return decodeStrict('utf-8', bytes.subarray(hasUtf8Bom(bytes) ? 3 : 0), 'is not valid UTF-8');
    case 'utf-16le':
    case 'utf-16be': {
      const body = bytes.subarray(hasUtf16Bom(bytes) ? 2 : 0);
      if (body.length % 2 !== 0) throw new Error(`${label(encoding)} text with an odd number of bytes (a truncated file?); ${SAVE_AS}`);
      const le = encoding === 'utf-16le' ? body : Buffer.from(body).swap16();
      return decodeStrict('utf-16le', le, `is not valid ${label(encoding)}`);
    }
    default:
      throw new Error(`is ${label(encoding)}, which is not supported; ${SAVE_AS}`);
  }
}

const SAVE_AS = 'save it as UTF-8 (or UTF-16)';

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

function label(encoding: Encoding): string {
  return encoding.toUpperCase().replace(/(LE|BE)$/, ' $1');
}

/** sniffEncoding reads the byte-order mark, else the zero-byte pattern of the first four bytes. */
function sniffEncoding(b: Buffer): Encoding {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b.length >= 4 && b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b.length >= 4 && b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'utf-32be';
  if (hasUtf8Bom(b)) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  if (b.length >= 4) {
    if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return 'utf-32be';
    if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
  }
  if (b.length >= 2) {
    if (b0 === 0 && b1 !== 0) return 'utf-16be';
    if (b0 !== 0 && b1 === 0) return 'utf-16le';
  }
  return 'utf-8';
}

function hasUtf8Bom(b: Buffer): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

function hasUtf16Bom(b: Buffer): boolean {
  return (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
}

function decodeStrict(encoding: 'utf-8' | 'utf-16le', bytes: Uint8Array, complaint: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const where = encoding === 'utf-8' ? ` (first bad byte at offset ${firstInvalidUtf8(bytes)})` : '';
    throw new Error(`${complaint}${where}; ${SAVE_AS}`);
  }
}

/** firstInvalidUtf8 is the offset of the first byte at which the text stops being valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // The longest prefix that is valid so far (an unfinished last character allowed), by bisection: such
  // prefixes only get shorter by shortening, so the property is monotone.
  const valid = (n: number, stream: boolean) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream });
      return true;
    } catch {
      return false;
    }
  };
  const validSoFar = (n: number) => valid(n, true);
  let lo = 0;
  let hi = bytes.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (validSoFar(mid)) lo = mid;
    else hi = mid;
  }
  // The bad sequence starts at the unfinished character the prefix ends with, if it ends with one.
  if (valid(lo, false)) return lo;
  let start = lo;
  while (start > 0 && (bytes[start - 1]! & 0xc0) === 0x80) start--;
  return Math.max(0, start - 1);
}
