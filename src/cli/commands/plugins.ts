import type { PluginManifest } from '../../core/contracts/plugin.js';
import { resolvePlugins } from '../../core/plugins/resolve-entries.js';
import { setup } from '../setup.js';

/** PluginRow is one line of `sidecar plugins`. */
export interface PluginRow {
  readonly name: string;
  readonly kind: string;
  /** source is builtin, path or package; null for a disabled entry that was not loaded. */
  readonly source: string | null;
  /** enabled is null for a built-in that plugins.json does not list. */
  readonly enabled: boolean | null;
  /** entry locates it in plugins.json (`collectors[2]`), null when not listed. */
  readonly entry: string | null;
  readonly fields: readonly string[];
}

function fieldsOf(manifest: PluginManifest | undefined): readonly string[] {
  return manifest?.kind === 'collector' ? manifest.fields : [];
}

/** listPlugins describes every configured entry, then the built-ins the config does not use. */
export async function listPlugins(opts: { config?: string }): Promise<{ rows: PluginRow[]; shared: Map<string, string[]> }> {
  const { config, builtins } = await setup(opts.config);
  const resolved = await resolvePlugins(config, builtins);
  const rows: PluginRow[] = [];
  const sections = [
    ['collectors', config.collectors, resolved.collectors],
    ['transports', config.transports, resolved.transports],
  ] as const;
  for (const [section, entries, running] of sections) {
    entries.forEach((entry, index) => {
      const path = `${section}[${index}]`;
      const live = running.find((r) => r.path === path);
      const builtin = builtins.get(entry.plugin);
      const manifest = live?.manifest ?? builtin;
      rows.push({
        name: live?.instanceId ?? entry.plugin,
        kind: manifest?.kind ?? (section === 'collectors' ? 'collector' : 'transport'),
        source: live?.source ?? (builtin ? 'builtin' : null),
        enabled: entry.enabled,
        entry: path,
        fields: fieldsOf(manifest),
      });
    });
  }
  const configured = new Set([...config.collectors, ...config.transports].map((e) => e.plugin));
  for (const [name, manifest] of builtins) {
    if (!configured.has(name)) {
      rows.push({ name, kind: manifest.kind, source: 'builtin', enabled: null, entry: null, fields: fieldsOf(manifest) });
    }
  }
  const owners = new Map<string, string[]>();
  for (const row of rows.filter((r) => r.enabled === true)) {
    for (const field of row.fields) owners.set(field, [...(owners.get(field) ?? []), row.name]);
  }
  const shared = new Map([...owners].filter(([, names]) => names.length > 1));
  return { rows, shared };
}

/** pluginsCommand prints the plugin table (or JSON) on stdout. */
export async function pluginsCommand(opts: { config?: string; json?: boolean }): Promise<void> {
  const { rows, shared } = await listPlugins(opts);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ plugins: rows, shared_fields: Object.fromEntries(shared) }, null, 2)}\n`);
    return;
  }
  const table = [
    ['NAME', 'KIND', 'SOURCE', 'ENABLED', 'ENTRY', 'FIELDS'],
    ...rows.map((r) => [
      r.name,
      r.kind,
      r.source ?? 'not loaded',
      r.enabled === null ? '-' : r.enabled ? 'yes' : 'no',
      r.entry ?? '-',
      r.fields.join(', ') || '-',
    ]),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  process.stdout.write('\n');
  if (shared.size === 0) process.stdout.write('No field is provided by more than one enabled collector.\n');
  for (const [field, names] of shared) {
    process.stdout.write(`Field ${field} is provided by ${names.join(', ')}: the first non-null value in plugins.json order wins.\n`);
  }
}
