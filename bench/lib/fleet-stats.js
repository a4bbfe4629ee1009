// fleet-stats: per-second figures of arrival times (ms on the shared clock), for bench/fleet.js.

/** perSecond counts `times` in one-second buckets from `from` (inclusive) to `to` (exclusive). */
export function perSecond(times, from, to) {
  const buckets = new Array(Math.max(0, Math.ceil((to - from) / 1000))).fill(0);
  for (const t of times) {
    if (t >= from && t < to) buckets[Math.floor((t - from) / 1000)]++;
  }
  return buckets;
}

/** burst describes arrivals after an event: first and last (s after `from`), spread, and the busiest second. */
export function burst(times, from, fleet) {
  const after = times.filter((t) => t >= from).sort((a, b) => a - b);
  if (after.length === 0) return { count: 0 };
  const first = after[0];
  const last = after.at(-1);
  // Busiest second: the most arrivals in any window [t, t + 1 s) starting at an arrival, not only on a grid.
  let busiest = 0;
  for (let i = 0, j = 0; i < after.length; i++) {
    while (j < after.length && after[j] < after[i] + 1000) j++;
    busiest = Math.max(busiest, j - i);
  }
  return {
    count: after.length,
    first_s: round((first - from) / 1000),
    last_s: round((last - from) / 1000),
    spread_s: round((last - first) / 1000),
    busiest_second: busiest,
    busiest_pct: round((100 * busiest) / fleet),
  };
}

/** rate describes a steady window's per-second counts: mean, peak, peak/mean and the quietest second. */
export function rate(buckets) {
  const total = buckets.reduce((a, b) => a + b, 0);
  const mean = total / Math.max(1, buckets.length);
  const peak = Math.max(0, ...buckets);
  return { seconds: buckets.length, total, mean_per_s: round(mean), peak_per_s: peak, min_per_s: Math.min(...buckets), peak_over_mean: round(peak / mean) };
}

function round(x) {
  return Math.round(x * 100) / 100;
}
