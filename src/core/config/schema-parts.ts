/**
 * The building blocks of the sidecar's own schemas (plugins.json and the built-in plugins' options), on valibot.
 * Each one keeps a rule of the file's checking that plain valibot does differently: a list is not an object,
 * every unknown key of an object is reported (valibot stops at the first), a non-integer is refused as a wrong
 * type (nothing more is said of it), and cross-field checks wait until every field has the right type.
 * Check values with `validate` (validation-messages.ts), which words every issue for users.
 */
import * as v from 'valibot';
import { describeValue } from '../describe-value.js';
import { expectedOf, friendlyMessage, isKeyIssue, isTypeError, isUnknownKey } from './validation-messages.js';

type AnyIssue = v.BaseIssue<unknown>;
type Dataset = v.UnknownDataset | v.OutputDataset<unknown, AnyIssue>;
type Run<S> = (this: S, dataset: v.UnknownDataset, config: v.Config<AnyIssue>) => Dataset;

/** addIssue is valibot's own way to add an issue from a schema or action (`this`), typed loosely for our schemas. */
const addIssue = v._addIssue as (context: unknown, label: string, dataset: Dataset, config: v.Config<AnyIssue>, other?: object) => void;

/** withRun is `base` validating with `run`, a copy that keeps everything else (type, entries, messages). */
function withRun<S extends v.GenericSchema>(base: S, run: Run<S>): S {
  return v._standardSchema<S>({ ...base, '~run': run } as unknown as Omit<S, '~standard'>);
}

/**
 * strictObject is `v.strictObject` that refuses a list (`expected an object, got a list`), reports every unknown
 * key, one issue each, and says what a missing key takes (`is required (a string)`).
 */
export function strictObject<const E extends v.ObjectEntries>(entries: E) {
  const message = (issue: AnyIssue): string => {
    if (!isKeyIssue(issue) || isUnknownKey(issue)) return friendlyMessage(issue);
    return `is required (${expectedOf(entries[String(issue.path![0].key)]!)})`;
  };
  const base = v.strictObject(entries, message);
  return withRun(base, function (dataset, config) {
    const input = dataset.value;
    if (Array.isArray(input)) {
      addIssue(this, 'type', dataset, config);
      return dataset;
    }
    const before = (dataset as Dataset).issues?.length ?? 0;
    const result: Dataset = base['~run'](dataset, config);
    if (input === null || typeof input !== 'object') return result;
    const issues: readonly AnyIssue[] = result.issues ?? [];
    const reported = new Set(issues.slice(before).filter((i) => isKeyIssue(i) && isUnknownKey(i)).map((i) => i.path![0].key));
    const record = input as Record<string, unknown>;
    for (const key in record) {
      if (Object.hasOwn(entries, key) || reported.has(key)) continue;
      addIssue(this, 'key', result, config, {
        input: key,
        expected: 'never',
        path: [{ type: 'object', origin: 'key', input: record, key, value: record[key] }],
      });
    }
    return result;
  });
}

/**
 * jsonObject is an object (not a list) with any values, as plugin `options` are before the plugin checks them.
 * Its value is a copy without a `__proto__` key, so that key cannot reach a plugin's prototype.
 */
export function jsonObject() {
  return withRun(v.record(v.string(), v.unknown()), function (dataset, config) {
    const input = dataset.value;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      addIssue(this, 'type', dataset, config);
      return dataset;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(input)) if (key !== '__proto__') copy[key] = (input as Record<string, unknown>)[key];
    return { typed: true, value: copy };
  });
}

/** integerType is `v.integer()` whose failure is a type error: the value's later checks are skipped. */
function integerType(): v.IntegerAction<number, undefined> {
  const action = v.integer();
  return {
    ...action,
    '~run'(dataset, config) {
      const before = dataset.issues?.length ?? 0;
      const result = action['~run'](dataset, config);
      if ((result.issues?.length ?? 0) > before) (result as { typed: boolean }).typed = false;
      return result;
    },
  };
}

/**
 * int is an integer from min to max. A number beyond ±2^53-1 is also refused as out of the safe range, as the
 * sidecar always has (`must be at most 9007199254740991`), on top of the range's own message.
 */
export function int(min: number, max: number) {
  return v.pipe(
    v.number(),
    integerType(),
    v.minValue(Number.MIN_SAFE_INTEGER),
    v.maxValue(Number.MAX_SAFE_INTEGER),
    v.minValue(min),
    v.maxValue(max),
  );
}

/** nonEmptyString is a string of at least one character (`must not be empty`). */
export function nonEmptyString() {
  return v.pipe(v.string(), v.minLength(1));
}

/** oneOf is one of a few strings: `must be one of "auto", "nvidia", "amd", got "intel"`. */
export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  const listed = options.map((o) => JSON.stringify(o)).join(', ');
  return v.picklist(options, (issue) => `must be one of ${listed}, got ${describeValue(issue.input)}`);
}

/**
 * crossCheck checks fields against each other and reports at `key`. Like the checks of single fields, it waits for
 * the right types: it does not run while any field has a type error (a range or pattern problem does not stop it).
 */
export function crossCheck<T extends Record<string, unknown>>(
  key: keyof T & string,
  ok: (value: T) => boolean,
  message: string,
): v.BaseValidation<T, T, AnyIssue> {
  const check = v.rawCheck<T>(({ dataset, addIssue }) => {
    if (dataset.issues?.some(isTypeError)) return;
    if (!ok(dataset.value as T)) addIssue({ message });
  });
  return v.forward(check, [key] as never);
}
