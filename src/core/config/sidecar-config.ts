import type { InjectionToken } from 'tsyringe';
import type { CollectorEntry, TransportEntry } from './schema.js';

/** AgentConfig is the `agent` section with its defaults resolved (id from the hostname, name from the id). */
export interface AgentConfig {
  readonly id: string;
  readonly name: string;
  readonly initial_delay_ms: number;
  readonly interval_ms: number;
  /** jitter_ms bounds this process's fixed random offset of the schedule (0, the default, for none). */
  readonly jitter_ms?: number;
  /** identify_timeout_ms bounds gathering collectors' identify fields (default 1000). */
  readonly identify_timeout_ms?: number;
}

/** SidecarConfig is a loaded, checked plugins.json. Plugin options are still raw: each plugin checks its own. */
export interface SidecarConfig {
  /** file is the path as the user gave it, for messages. */
  readonly file: string;
  /** dir is the absolute directory of the file; relative plugin paths resolve from it. */
  readonly dir: string;
  readonly agent: AgentConfig;
  readonly collectors: readonly CollectorEntry[];
  readonly transports: readonly TransportEntry[];
}
/** SidecarConfig is also the injection token of the loaded config. */
export const SidecarConfig: InjectionToken<SidecarConfig> = Symbol('SidecarConfig');

export type { CollectorEntry, TransportEntry };
