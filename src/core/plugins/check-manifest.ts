import { PLUGIN_API_VERSIONS, type PluginKind, type PluginManifest } from '../contracts/plugin.js';
import { FIELD_NAME_PATTERN, RESERVED_FIELDS } from '../contracts/report.js';
import { closest } from '../did-you-mean.js';
import { ErrorCode, SidecarError } from '../errors.js';

const KINDS: readonly PluginKind[] = ['collector', 'transport'];

/** ManifestProblem is one thing wrong with a manifest, with the error code it would carry alone. */
interface ManifestProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

function fieldListProblems(value: unknown, what: string): ManifestProblem[] {
  const invalid = (message: string): ManifestProblem => ({ code: ErrorCode.PLUGIN_MANIFEST_INVALID, message: `${what}${message}` });
  if (!Array.isArray(value)) return [invalid(' must be a list of field names')];
  const problems: ManifestProblem[] = [];
  for (const field of value) {
    if (typeof field !== 'string' || !FIELD_NAME_PATTERN.test(field)) problems.push(invalid(`: ${JSON.stringify(field)} is not a snake_case field name`));
    else if (RESERVED_FIELDS.includes(field)) problems.push(invalid(`: "${field}" is reserved (${RESERVED_FIELDS.join(', ')})`));
  }
  if (new Set(value).size !== value.length) problems.push(invalid(' lists a field twice'));
  return problems;
}

function kindProblem(kind: unknown): ManifestProblem {
  const guess = typeof kind === 'string' ? closest(kind, KINDS) : undefined;
  const hint = guess ? `; did you mean "${guess}"?` : '';
  return { code: ErrorCode.PLUGIN_KIND_INVALID, message: `kind ${JSON.stringify(kind)} is unknown (expected "collector" or "transport"${hint})` };
}

/**
 * checkManifest verifies that a module's export is a plugin manifest this host can run, before anything is
 * constructed. It throws one SidecarError naming every problem on one line (as a config error lists every
 * problem at once), with the code of the first; the caller adds which plugin. A manifest for another apiVersion
 * is reported alone: the rest of it follows a contract this host does not know.
 */
export function checkManifest(value: unknown): PluginManifest {
  if (value === null || typeof value !== 'object') {
    throw new SidecarError(ErrorCode.PLUGIN_NO_MANIFEST, 'the module exports no plugin manifest (expected a default export or a named `plugin` export)');
  }
  const manifest = value as Record<string, unknown>;
  if (!PLUGIN_API_VERSIONS.includes(manifest.apiVersion as number)) {
    throw new SidecarError(
      ErrorCode.PLUGIN_API_MISMATCH,
      `apiVersion ${JSON.stringify(manifest.apiVersion)} is not supported (this sidecar supports ${PLUGIN_API_VERSIONS.join(', ')})`,
    );
  }
  const invalid = (message: string): ManifestProblem => ({ code: ErrorCode.PLUGIN_MANIFEST_INVALID, message });
  const problems: ManifestProblem[] = [];
  if (!KINDS.includes(manifest.kind as PluginKind)) problems.push(kindProblem(manifest.kind));
  if (typeof manifest.name !== 'string' || manifest.name.length === 0) problems.push(invalid('name must be a non-empty string'));
  if (typeof manifest.create !== 'function') problems.push(invalid('create must be a function'));
  if (manifest.kind === 'collector') {
    problems.push(...fieldListProblems(manifest.fields, 'fields'));
    if (manifest.identifyFields !== undefined) problems.push(...fieldListProblems(manifest.identifyFields, 'identifyFields'));
  }
  const options = manifest.options as { '~standard'?: { validate?: unknown } } | undefined;
  if (options !== undefined && typeof options?.['~standard']?.validate !== 'function') {
    problems.push(invalid('options must be a Standard Schema (zod, valibot, arktype...)'));
  }
  if (problems.length > 0) throw new SidecarError(problems[0]!.code, problems.map((p) => p.message).join('; '));
  return manifest as unknown as PluginManifest;
}
