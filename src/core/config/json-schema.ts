import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import type { PluginManifest } from '../contracts/plugin.js';
import { configFileSchema } from './schema.js';
import { ownSchema } from './validation-messages.js';

type JsonSchema = Record<string, unknown>;

/**
 * toJson converts one of the sidecar's own schemas. Checks written as code (a URL check, a rule across two
 * fields) have no JSON Schema form and are left to the sidecar, as before.
 */
const toJson = (schema: v.GenericSchema): JsonSchema =>
  toJsonSchema(schema, { target: 'draft-2020-12', typeMode: 'input', ignoreActions: ['check', 'raw_check'] }) as JsonSchema;

/** optionsRule makes an `if plugin is NAME then options match SCHEMA` rule for one built-in. */
function optionsRule(name: string, manifest: PluginManifest): JsonSchema | undefined {
  const own = ownSchema(manifest.options);
  if (!own) return undefined;
  const { $schema: _drop, ...options } = toJson(own);
  return { if: { properties: { plugin: { const: name } }, required: ['plugin'] }, then: { properties: { options } } };
}

/**
 * buildJsonSchema derives the JSON Schema of plugins.json from the validators the sidecar itself uses: the
 * file's own schema, plus each built-in's options schema, applied by plugin name. Editors use it (via
 * `$schema`) to complete and check the file; the sidecar's own checks stay the authority.
 */
export function buildJsonSchema(builtins: ReadonlyMap<string, PluginManifest>): JsonSchema {
  const schema = toJson(configFileSchema);
  const properties = schema.properties as Record<string, { items?: JsonSchema }>;
  for (const section of ['collectors', 'transports'] as const) {
    const kind = section === 'collectors' ? 'collector' : 'transport';
    const rules = [...builtins]
      .filter(([, manifest]) => manifest.kind === kind)
      .map(([name, manifest]) => optionsRule(name, manifest))
      .filter((rule): rule is JsonSchema => rule !== undefined);
    const items = properties[section]?.items;
    if (items) {
      items.allOf = rules;
      const plugin = (items.properties as Record<string, JsonSchema>).plugin!;
      plugin.examples = [...builtins].filter(([, m]) => m.kind === kind).map(([name]) => name);
    }
  }
  return { ...schema, title: 'sidecar plugins.json', description: 'Configuration of the sidecar: agent, collectors, transports.' };
}
