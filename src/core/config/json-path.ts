/** JsonPath is a location inside a JSON document, as keys and array indexes. */
export type JsonPath = ReadonlyArray<PropertyKey>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** formatJsonPath renders a path the way users read it: `collectors[2].options.url`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += IDENTIFIER.test(key) ? (out ? `.${key}` : key) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
