import { z } from 'zod';
import './validation-messages.js';

const pluginOptions = z.record(z.string(), z.unknown()).default({});

/** collectorEntrySchema is one entry of `collectors` in plugins.json. */
export const collectorEntrySchema = z.strictObject({
  plugin: z.string().min(1).describe('A built-in name, a path starting with ./, ../ or /, or an npm package name.'),
  enabled: z.boolean().default(true).describe('false keeps the entry in the file but does not run it.'),
  timeout_ms: z.int().min(1).max(600_000).default(2000).describe('Deadline for one collection, in ms.'),
  isolate: z.boolean().default(false).describe('Run the plugin in a worker thread that is replaced if it hangs.'),
  options: pluginOptions.describe("The plugin's own options, checked by its schema."),
});

/** transportEntrySchema is one entry of `transports` in plugins.json. */
export const transportEntrySchema = z.strictObject({
  plugin: z.string().min(1).describe('A built-in name, a path starting with ./, ../ or /, or an npm package name.'),
  enabled: z.boolean().default(true).describe('false keeps the entry in the file but does not run it.'),
  options: pluginOptions.describe("The plugin's own options, checked by its schema."),
});

/** agentSchema says who the sidecar reports as, and when. */
export const agentSchema = z.strictObject({
  id: z.string().min(1).max(128).optional().describe('Agent id sent to the hub; defaults to the hostname.'),
  name: z.string().min(1).max(256).optional().describe('Display name; defaults to the id.'),
  initial_delay_ms: z.int().min(0).max(86_400_000).default(5000).describe('Delay before the first report, in ms.'),
  interval_ms: z.int().min(100).max(86_400_000).default(30_000).describe('Time between reports, in ms.'),
});

/** configFileSchema is the whole plugins.json. */
export const configFileSchema = z.strictObject({
  $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editors.'),
  agent: agentSchema.default({ initial_delay_ms: 5000, interval_ms: 30_000 }),
  collectors: z.array(collectorEntrySchema).default([]),
  transports: z.array(transportEntrySchema).default([]),
});

export type CollectorEntry = z.output<typeof collectorEntrySchema>;
export type TransportEntry = z.output<typeof transportEntrySchema>;
export type ConfigFile = z.output<typeof configFileSchema>;
