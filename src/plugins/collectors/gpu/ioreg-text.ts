/** IoregData is a data value, `<6b100000>`, kept as its hex text. */
export class IoregData {
  constructor(readonly hex: string) {}
}

/**
 * IoregValue is one value as `ioreg` prints it: a string, a number (a bigint beyond 2^53, as some counters are),
 * Yes/No, data, a list `(...)` or a dictionary `{"key"=value,...}`.
 */
export type IoregValue = string | number | bigint | boolean | IoregData | readonly IoregValue[] | IoregDictionary;

/** isIoregDictionary tells a dictionary from the other values. */
export function isIoregDictionary(value: IoregValue | undefined): value is IoregDictionary {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof IoregData);
}

/** IoregDictionary is a dictionary value: keys in the order printed. */
export interface IoregDictionary {
  readonly [key: string]: IoregValue;
}

/** IoregNode is one registry entry: its class (from `+-o Name  <class X, ...>`) and its properties. */
export interface IoregNode {
  readonly name: string;
  readonly className: string | null;
  readonly properties: IoregDictionary;
}

const NODE = /^[\s|]*\+-o (.+?)\s+<class ([^,>]+)/;
const PROPERTY = /^[\s|]*"((?:[^"\\]|\\.)*)" = (.*)$/;

/**
 * parseIoregText reads the text of `ioreg -r -d 1 -w 0 -c <class>`: entries starting `+-o Name  <class ...>`,
 * each followed by `"key" = value` lines (one per property, as `-w 0` keeps them unwrapped). A property whose
 * value cannot be read (say, one cut short) is left out rather than failing every other one; text outside an
 * entry is ignored. Empty output (no entry of that class) is no entries.
 */
export function parseIoregText(text: string): IoregNode[] {
  const nodes: Array<{ name: string; className: string | null; properties: Record<string, IoregValue> }> = [];
  for (const line of text.split(/\r?\n/)) {
    const node = NODE.exec(line);
    if (node) {
      nodes.push({ name: node[1]!, className: node[2]!.trim(), properties: {} });
      continue;
    }
    const property = PROPERTY.exec(line);
    const current = nodes.at(-1);
    if (!property || !current) continue;
    try {
      current.properties[unescape(property[1]!)] = parseValue(property[2]!.trimEnd());
    } catch {
      // Unreadable (cut off, or a form this reader does not know): left out, as documented.
    }
  }
  return nodes;
}

/** parseValue reads one whole value; it throws when the text is not exactly one value. */
export function parseValue(text: string): IoregValue {
  const reader = new Reader(text);
  const value = reader.value();
  reader.skipSpace();
  if (!reader.done()) throw new Error(`unexpected ${JSON.stringify(text.slice(reader.at, reader.at + 20))}`);
  return value;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

const INTEGER = /^-?\d+$/;

/** Reader walks a value's text; each method consumes what it reads and throws where the text breaks off. */
class Reader {
  at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    while (this.text[this.at] === ' ' || this.text[this.at] === '\t') this.at++;
  }

  value(): IoregValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === undefined) throw new Error('a value is missing');
    if (c === '"') return this.string();
    if (c === '{') return this.dictionary();
    if (c === '(') return this.list();
    if (c === '<') return this.data();
    return this.bare();
  }

  private string(): string {
    let out = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const c = this.text[this.at]!;
      if (c === '\\' && this.at + 1 < this.text.length) out += this.text[++this.at];
      else if (c === '"') {
        this.at++;
        return out;
      } else out += c;
    }
    throw new Error('a string is not closed');
  }

  private dictionary(): IoregDictionary {
    const out: Record<string, IoregValue> = {};
    this.at++;
    for (let first = true; ; first = false) {
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return out;
      }
      if (!first) this.expect(',');
      this.skipSpace();
      if (this.text[this.at] !== '"') throw new Error('a dictionary key is not a string');
      const key = this.string();
      this.skipSpace();
      this.expect('=');
      out[key] = this.value();
    }
  }

  private list(): IoregValue[] {
    const out: IoregValue[] = [];
    this.at++;
    for (let first = true; ; first = false) {
      this.skipSpace();
      if (this.text[this.at] === ')') {
        this.at++;
        return out;
      }
      if (!first) this.expect(',');
      out.push(this.value());
    }
  }

  /** data is `<hex>`, or `<"text">` (data holding a string, as some drivers' model names are). */
  private data(): IoregValue {
    this.at++;
    this.skipSpace();
    if (this.text[this.at] === '"') {
      const text = this.string().replace(/\0+$/, '');
      this.expect('>');
      return text;
    }
    const end = this.text.indexOf('>', this.at);
    if (end < 0) throw new Error('data is not closed');
    const hex = this.text.slice(this.at, end).trim();
    this.at = end + 1;
    return new IoregData(hex);
  }

  /** bare reads a number, Yes or No, or any other word up to the next separator (kept as text). */
  private bare(): IoregValue {
    const start = this.at;
    while (this.at < this.text.length && !',})='.includes(this.text[this.at]!)) this.at++;
    const word = this.text.slice(start, this.at).trim();
    if (word === '') throw new Error('a value is missing');
    if (word === 'Yes') return true;
    if (word === 'No') return false;
    if (INTEGER.test(word)) {
      const n = Number(word);
      return Number.isSafeInteger(n) ? n : BigInt(word);
    }
    return word;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.at] !== c) throw new Error(`expected "${c}"`);
    this.at++;
  }
}
