import type { CollectorEntry, TransportEntry } from '../../core/config/sidecar-config.js';
import { DEFAULT_COLLECT_TIMEOUT_MS } from '../../core/plugins/collector-slot.js';
import { resolvePlugins, type ResolvedCollector, type ResolvedTransport } from '../../core/plugins/resolve-entries.js';
import { CENSOR, redactSecretFields, urlPasswords } from '../../core/secret-keys.js';
import { setup } from '../setup.js';

/**
 * printConfigCommand prints the config as the daemon would run it, as plugins.json: `${VAR}`s substituted, every
 * default filled in (the agent's and each enabled plugin's options, as its schema completes them), and every
 * secret (by key, and URL passwords) shown as [REDACTED]. A config with problems is exit 2, as for `validate`.
 */
export async function printConfigCommand(opts: { config?: string }): Promise<void> {
  const { config, builtins, scrubber } = await setup(opts.config);
  const resolved = await resolvePlugins(config, builtins);
  const optionsOf = (entry: CollectorEntry | TransportEntry, list: ReadonlyArray<ResolvedCollector | ResolvedTransport>) =>
    list.find((r) => r.entry === entry)?.options ?? entry.options;
  const effective = {
    agent: config.agent,
    collectors: config.collectors.map((entry) => ({
      ...entry,
      // The schema leaves timeout_ms out when the file does (so a cut default is not warned about); the slot fills it.
      timeout_ms: entry.timeout_ms ?? DEFAULT_COLLECT_TIMEOUT_MS,
      options: optionsOf(entry, resolved.collectors),
    })),
    transports: config.transports.map((entry) => ({ ...entry, options: optionsOf(entry, resolved.transports) })),
  };
  process.stdout.write(`${scrubber.scrub(JSON.stringify(withoutUrlPasswords(redactSecretFields(effective)), null, 2))}\n`);
}

/** withoutUrlPasswords censors the password of every URL with one (`ws://user:pass@hub`), however short. */
function withoutUrlPasswords(value: unknown): unknown {
  if (typeof value === 'string') {
    const [password] = urlPasswords(value);
    return password ? value.replace(`:${password}@`, `:${CENSOR}@`) : value;
  }
  if (Array.isArray(value)) return value.map(withoutUrlPasswords);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUrlPasswords(v)]));
  return value;
}
