/**
 * XmlElement is one element of a parsed document: its name, attributes, child elements and own text.
 * Enough XML for the service definitions in deploy/ (a plist, a WinSW file), not a general parser.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const known = ENTITIES[ref];
    if (known === undefined) throw new Error(`unknown entity ${whole}`);
    return known;
  });
}

/**
 * parseXml reads a document into its root element, throwing on what a real parser would refuse here: a tag
 * left open, a closing tag that does not match, text or a second element outside the root.
 */
export function parseXml(source: string): XmlElement {
  // Declarations, comments and the DOCTYPE say nothing the tests read; a comment may hold '<' and '>'.
  const body = source.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').replace(/<!DOCTYPE[^>]*>/g, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const token = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const match of body.matchAll(token)) {
    const [, closing, name, attrs, selfClosing, text, stray] = match;
    if (stray) throw new Error(`malformed markup at offset ${match.index}`);
    if (text !== undefined) {
      if (stack.length) stack[stack.length - 1]!.text += decode(text);
      else if (text.trim()) throw new Error(`text outside the root element: ${text.trim().slice(0, 40)}`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, quoted] of (attrs ?? '').matchAll(/([\w.:-]+)\s*=\s*("[^"]*"|'[^']*')/g)) {
      attributes[key!] = decode(quoted!.slice(1, -1));
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(element);
    else if (root) throw new Error(`a second root element <${name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** PlistValue is what a property list holds. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

function plistValue(element: XmlElement): PlistValue {
  switch (element.name) {
    case 'string':
      return element.text;
    case 'integer':
      if (!/^-?\d+$/.test(element.text)) throw new Error(`<integer>${element.text}</integer> is not an integer`);
      return Number(element.text);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'array':
      return element.children.map(plistValue);
    case 'dict': {
      const dict: Record<string, PlistValue> = {};
      const { children } = element;
      for (let i = 0; i < children.length; i += 2) {
        const key = children[i]!;
        const value = children[i + 1];
        if (key.name !== 'key' || !value) throw new Error(`a <dict> needs <key> then a value, got <${key.name}>`);
        if (key.text in dict) throw new Error(`key ${key.text} twice in one <dict>`);
        dict[key.text] = plistValue(value);
      }
      return dict;
    }
    default:
      throw new Error(`<${element.name}> is not a property list value this reader knows`);
  }
}

/** parsePlist reads an XML property list into plain values, as `plutil -convert json` would. */
export function parsePlist(source: string): PlistValue {
  const root = parseXml(source);
  if (root.name !== 'plist' || root.children.length !== 1) throw new Error('not a property list: <plist> with one value expected');
  return plistValue(root.children[0]!);
}
