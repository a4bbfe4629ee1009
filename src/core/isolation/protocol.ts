import type { FieldValue } from '../contracts/report.js';

/** WorkerPlugin names the plugin a worker imports: a built-in by name, or a module file. */
export type WorkerPlugin = { readonly builtin: string } | { readonly file: string };

/** WorkerInit is the worker's `workerData`: which plugin to run and the context to create it with (all JSON). */
export interface WorkerInit {
  readonly plugin: WorkerPlugin;
  readonly context: {
    readonly name: string;
    readonly instanceId: string;
    readonly options: unknown;
    readonly agent: { readonly id: string; readonly name: string };
    readonly configDir: string;
  };
  /** logLevel is the host logger's level; the worker drops records below it rather than post them. */
  readonly logLevel: string;
}

/** CallMethod is a collector method the host can call in the worker. */
export type CallMethod = 'collect' | 'identify';

/** HostMessage is what the host posts to a worker. */
export type HostMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: CallMethod }
  | { readonly type: 'abort'; readonly id: number; readonly reason: string }
  | { readonly type: 'dispose' };

/** LogLevelName is a pino level a plugin can log at. */
export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** LogMessage carries one log record from the plugin to the host's logger bound to it. */
export interface LogMessage {
  readonly type: 'log';
  readonly level: LogLevelName;
  readonly bindings: Record<string, unknown>;
  readonly obj: Record<string, unknown>;
  readonly msg?: string;
}

/** WorkerMessage is what a worker posts to the host. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly value: Record<string, FieldValue> }
  | { readonly type: 'error'; readonly id: number; readonly message: string }
  | { readonly type: 'disposed' }
  | LogMessage;
