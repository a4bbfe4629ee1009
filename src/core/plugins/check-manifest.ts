import { PLUGIN_API_VERSIONS, type PluginKind, type PluginManifest } from '../contracts/plugin.js';
import { FIELD_NAME_PATTERN, RESERVED_FIELDS } from '../contracts/report.js';
import { ErrorCode, SidecarError } from '../errors.js';

const KINDS: readonly PluginKind[] = ['collector', 'transport'];

function fail(code: ErrorCode, message: string): never {
  throw new SidecarError(code, message);
}

function checkFieldList(value: unknown, what: string): void {
  if (!Array.isArray(value)) fail(ErrorCode.PLUGIN_MANIFEST_INVALID, `${what} must be a list of field names`);
  for (const field of value) {
    if (typeof field !== 'string' || !FIELD_NAME_PATTERN.test(field)) {
      fail(ErrorCode.PLUGIN_MANIFEST_INVALID, `${what}: ${JSON.stringify(field)} is not a snake_case field name`);
    }
    if (RESERVED_FIELDS.includes(field)) {
      fail(ErrorCode.PLUGIN_MANIFEST_INVALID, `${what}: "${field}" is reserved (${RESERVED_FIELDS.join(', ')})`);
    }
  }
  if (new Set(value).size !== value.length) fail(ErrorCode.PLUGIN_MANIFEST_INVALID, `${what} lists a field twice`);
}

/**
 * checkManifest verifies that a module's export is a plugin manifest this host can run, before anything is
 * constructed. Each failure is a SidecarError whose message says what is wrong (the caller adds which plugin).
 */
export function checkManifest(value: unknown): PluginManifest {
  if (value === null || typeof value !== 'object') {
    fail(ErrorCode.PLUGIN_NO_MANIFEST, 'the module exports no plugin manifest (expected a default export or a named `plugin` export)');
  }
  const manifest = value as Record<string, unknown>;
  if (!PLUGIN_API_VERSIONS.includes(manifest.apiVersion as number)) {
    fail(
      ErrorCode.PLUGIN_API_MISMATCH,
      `apiVersion ${JSON.stringify(manifest.apiVersion)} is not supported (this sidecar supports ${PLUGIN_API_VERSIONS.join(', ')})`,
    );
  }
  if (!KINDS.includes(manifest.kind as PluginKind)) {
    fail(ErrorCode.PLUGIN_KIND_INVALID, `kind ${JSON.stringify(manifest.kind)} is unknown (expected "collector" or "transport")`);
  }
  if (typeof manifest.name !== 'string' || manifest.name.length === 0) {
    fail(ErrorCode.PLUGIN_MANIFEST_INVALID, 'name must be a non-empty string');
  }
  if (typeof manifest.create !== 'function') fail(ErrorCode.PLUGIN_MANIFEST_INVALID, 'create must be a function');
  if (manifest.kind === 'collector') {
    checkFieldList(manifest.fields, 'fields');
    if (manifest.identifyFields !== undefined) checkFieldList(manifest.identifyFields, 'identifyFields');
  }
  const options = manifest.options as { '~standard'?: { validate?: unknown } } | undefined;
  if (options !== undefined && typeof options?.['~standard']?.validate !== 'function') {
    fail(ErrorCode.PLUGIN_MANIFEST_INVALID, 'options must be a Standard Schema (zod, valibot, arktype...)');
  }
  return manifest as unknown as PluginManifest;
}
