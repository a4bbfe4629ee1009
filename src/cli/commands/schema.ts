import { buildJsonSchema } from '../../core/config/json-schema.js';
import { BUILTIN_PLUGINS } from '../../plugins/builtin.js';

/** schemaCommand prints the JSON Schema of plugins.json (the repository keeps it as plugins.schema.json). */
export function schemaCommand(): void {
  process.stdout.write(`${JSON.stringify(buildJsonSchema(BUILTIN_PLUGINS), null, 2)}\n`);
}
