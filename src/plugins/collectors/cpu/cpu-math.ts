/** CpuTimes are one core's cumulative times in ms, as `os.cpus()[i].times` gives them. */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly sys: number;
  readonly idle: number;
  readonly irq: number;
}

/** CpuSample is one reading of every core, shaped like the result of `os.cpus()`. */
export type CpuSample = ReadonlyArray<{ readonly times: CpuTimes }>;

const KEYS = ['user', 'nice', 'sys', 'idle', 'irq'] as const;

/**
 * cpuPercent is the busy share of all cores together between two samples, 0-100 rounded to one decimal.
 * It returns null when the samples cannot be compared: a different core count, a counter that went
 * backwards or is not a finite number, or no time passed at all.
 */
export function cpuPercent(previous: CpuSample, next: CpuSample): number | null {
  if (previous.length !== next.length) return null;
  let total = 0;
  let idle = 0;
  for (let core = 0; core < next.length; core++) {
    const before = previous[core]!.times;
    const after = next[core]!.times;
    for (const key of KEYS) {
      const delta = after[key] - before[key];
      if (!Number.isFinite(delta) || delta < 0) return null;
      total += delta;
      if (key === 'idle') idle += delta;
    }
  }
  if (total <= 0) return null;
  const percent = Math.round(((total - idle) / total) * 1000) / 10;
  return Math.min(100, Math.max(0, percent));
}
