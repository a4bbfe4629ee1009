import * as v from 'valibot';
import { crossCheck, int, jsonObject, nonEmptyString, strictObject } from './schema-parts.js';

const described = <S extends v.GenericSchema>(schema: S, text: string) => v.pipe(schema, v.description(text));

const plugin = described(nonEmptyString(), 'A built-in name, a path (starting with ./, ../, .\\ or ..\\, or absolute: /opt/x.js, C:\\plug\\x.js), or an npm package name.');
const enabled = v.optional(described(v.boolean(), 'false keeps the entry in the file but does not run it.'), true);
const pluginOptions = v.optional(described(jsonObject(), "The plugin's own options, checked by its schema."), {});

/** collectorEntrySchema is one entry of `collectors` in plugins.json. */
export const collectorEntrySchema = strictObject({
  plugin,
  enabled,
  // No default here: a timeout_ms left out is 2000 ms, cut without a warning on a schedule too short for it, while
  // one written in the file that does not fit the interval is warned about (CollectorSlot.timeoutMs).
  timeout_ms: v.optional(
    described(int(1, 600_000), 'Deadline for one collection, in ms: 2000 when left out; on the schedule, at most 90 % of agent.interval_ms.'),
  ),
  isolate: v.optional(described(v.boolean(), 'Run the plugin in a worker thread that is replaced if it hangs.'), false),
  options: pluginOptions,
});

/** transportEntrySchema is one entry of `transports` in plugins.json. */
export const transportEntrySchema = strictObject({ plugin, enabled, options: pluginOptions });

const agentEntries = strictObject({
  id: v.optional(described(v.pipe(nonEmptyString(), v.maxLength(128)), 'Agent id sent to the hub; defaults to the hostname.')),
  name: v.optional(described(v.pipe(nonEmptyString(), v.maxLength(256)), 'Display name; defaults to the id.')),
  initial_delay_ms: v.optional(described(int(0, 86_400_000), 'Delay before the first report, in ms.'), 5000),
  interval_ms: v.optional(described(int(100, 86_400_000), 'Time between reports, in ms.'), 30_000),
  jitter_ms: v.optional(
    described(int(0, 86_400_000), 'Spreads a fleet: every report of this process is offset by one random delay below this, in ms.'),
    0,
  ),
  identify_timeout_ms: v.optional(
    described(int(1, 60_000), "Deadline for gathering collectors' fields for the hub handshake, in ms."),
    1000,
  ),
});

/** agentSchema says who the sidecar reports as, and when. */
export const agentSchema = v.pipe(
  agentEntries,
  crossCheck<v.InferOutput<typeof agentEntries>>('jitter_ms', (a) => a.jitter_ms === 0 || a.jitter_ms < a.interval_ms, 'must be below interval_ms'),
);

/** configFileSchema is the whole plugins.json. */
export const configFileSchema = strictObject({
  $schema: v.optional(described(v.string(), 'Path or URL of the JSON Schema, for editors.')),
  agent: v.optional(agentSchema, { initial_delay_ms: 5000, interval_ms: 30_000, jitter_ms: 0, identify_timeout_ms: 1000 }),
  collectors: v.optional(v.array(collectorEntrySchema), []),
  transports: v.optional(v.array(transportEntrySchema), []),
});

export type CollectorEntry = v.InferOutput<typeof collectorEntrySchema>;
export type TransportEntry = v.InferOutput<typeof transportEntrySchema>;
export type ConfigFile = v.InferOutput<typeof configFileSchema>;
