/** Sample is one line of a metrics page: a name, its labels and its value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Family is one metric family as the page declares it (HELP and TYPE) with its samples. */
export interface Family {
  help?: string;
  type?: string;
  readonly samples: Sample[];
}

/** Exposition is a parsed Prometheus text page (format 0.0.4). */
export class Exposition {
  constructor(readonly families: ReadonlyMap<string, Family>) {}

  /** family returns the family `name`, failing the test if the page does not declare it. */
  family(name: string): Family {
    const family = this.families.get(name);
    if (!family) throw new Error(`no family ${name}; the page has ${[...this.families.keys()].join(', ')}`);
    return family;
  }

  /** samples lists the samples of `name` whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): Sample[] {
    return [...this.families.values()]
      .flatMap((f) => f.samples)
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** value is the one sample of `name` matching `labels`; undefined when there is none, an error when several. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const found = this.samples(name, labels);
    if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return found[0]?.value;
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** parseExposition reads the text format strictly: any line it does not understand is an error. */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, Family>();
  const familyOf = (name: string) => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { samples: [] }));
    return family;
  };
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const family = familyOf(meta[2]!);
      if (meta[1] === 'HELP') family.help = unescape(meta[3]!);
      else family.type = meta[3];
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line, n + 1);
    const base = sample.name.replace(/_(bucket|sum|count)$/, '');
    (families.has(sample.name) || !families.has(base) ? familyOf(sample.name) : familyOf(base)).samples.push(sample);
  }
  return new Exposition(families);
}

function parseSample(line: string, lineNo: number): Sample {
  const fail = (why: string): never => {
    throw new Error(`line ${lineNo}: ${why}: ${line}`);
  };
  const name = NAME.exec(line)?.[0] ?? fail('no metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1);
    while (!rest.startsWith('}')) {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(rest) ?? fail('bad label');
      rest = rest.slice(label[0].length);
      let value = '';
      for (;;) {
        const ch = rest[0] ?? fail('unterminated label value');
        rest = rest.slice(1);
        if (ch === '"') break;
        if (ch === '\\') {
          const esc = rest[0];
          rest = rest.slice(1);
          value += esc === 'n' ? '\n' : esc === '\\' ? '\\' : esc === '"' ? '"' : fail(`bad escape \\${esc}`);
        } else value += ch;
      }
      if (label[1]! in labels) fail(`label ${label[1]} repeated`);
      labels[label[1]!] = value;
      if (rest.startsWith(',')) rest = rest.slice(1);
    }
    rest = rest.slice(1);
  }
  const parts = rest.trim().split(/\s+/);
  if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) fail('expected " value [timestamp]"');
  // Prometheus reads values with Go's ParseFloat, which takes NaN and Inf in any case (prom-client writes "Nan").
  const raw = parts[0]!.toLowerCase();
  const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
  const value = raw in special ? special[raw]! : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(raw) ? Number(raw) : fail(`bad value ${parts[0]}`);
  return { name, labels, value };
}

function unescape(help: string): string {
  return help.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
