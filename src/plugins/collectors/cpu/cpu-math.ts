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

type TimeKey = keyof CpuTimes;

/**
 * timeKeysFor lists the counters that add up to a core's whole time on `platform`. On Windows libuv reports
 * `sys` as kernel time minus idle, and kernel time already includes interrupt (and DPC) time, which it also
 * reports as `irq`: adding `irq` there would count interrupts twice. Elsewhere (Linux, macOS) the five are
 * disjoint, so all of them count.
 */
export function timeKeysFor(platform: NodeJS.Platform): readonly TimeKey[] {
  return platform === 'win32' ? ['user', 'nice', 'sys', 'idle'] : ['user', 'nice', 'sys', 'idle', 'irq'];
}

/**
 * cpuPercent is the busy share of all cores together between two samples, 0-100 rounded to one decimal, with
 * the counters `platform` reports (see timeKeysFor).
 * It returns null when the samples cannot be compared: a different core count, a counter that went
 * backwards or is not a finite number, or no time passed at all.
 */
export function cpuPercent(previous: CpuSample, next: CpuSample, platform: NodeJS.Platform): number | null {
  if (previous.length !== next.length) return null;
  const keys = timeKeysFor(platform);
  let total = 0;
  let idle = 0;
  for (let core = 0; core < next.length; core++) {
    const before = previous[core]!.times;
    const after = next[core]!.times;
    for (const key of keys) {
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
