// Mapping profile frames of the bundled command (dist/cli.js and its chunks) back to the source files, so the
// profile summary still says which part of the sidecar the time went to. Reads the .map files esbuild writes
// beside each output (chained through tsc's maps to src/); a frame without a map is left as it is.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** decodeMappings turns a source map's `mappings` into, per generated line, [column, source, line] triples. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let srcLine = 0;
  let srcCol = 0;
  for (const lineText of mappings.split(';')) {
    const segments = [];
    let col = 0;
    for (const seg of lineText.split(',')) {
      if (!seg) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.get(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        srcLine += fields[2];
        srcCol += fields[3];
        segments.push([col, source, srcLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** sourceMapper returns remap(callFrame): the frame with the original file URL and line, where a map says. */
export function sourceMapper() {
  const maps = new Map();
  const mapFor = (url) => {
    if (!maps.has(url)) {
      let entry = null;
      const file = url.startsWith('file:') ? `${fileURLToPath(url)}.map` : '';
      if (file && existsSync(file)) {
        const map = JSON.parse(readFileSync(file, 'utf8'));
        entry = { lines: decodeMappings(map.mappings), sources: map.sources.map((s) => pathToFileURL(resolve(dirname(file), s)).href) };
      }
      maps.set(url, entry);
    }
    return maps.get(url);
  };
  return (frame) => {
    const map = frame.url.includes('/dist/') ? mapFor(frame.url) : null;
    const segments = map?.lines[frame.lineNumber];
    if (!segments?.length) return frame;
    let found;
    for (const seg of segments) {
      if (seg[0] > frame.columnNumber) break;
      found = seg;
    }
    found ??= segments[0];
    return { ...frame, url: map.sources[found[1]], lineNumber: found[2] };
  };
}
