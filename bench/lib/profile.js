// Summarising a V8 .cpuprofile (node --cpu-prof): where the CPU time went after a given moment.

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url) {
  return url.replace(/^file:\/\/.*?\/(src|dist|bench|node_modules)\//, '$1/');
}

/** category names the area a frame belongs to, from its script URL. */
function categoryOf(url) {
  if (url.includes('node:internal/deps/undici')) return 'undici (fetch)';
  if (url.includes('node:internal/webstreams')) return 'web streams';
  if (url.includes('node:internal/abort_controller') || url.includes('node:internal/event_target')) return 'AbortSignal / EventTarget';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  const dist = /\/(?:dist|src)\/(core|hub|cli|plugins\/(?:collectors|transports)\/[^/]+)/.exec(url);
  if (dist) return `sidecar: ${dist[1]}`;
  if (url.includes('/bench/')) return 'bench agent code';
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return `node: ${parts[0] === 'internal' ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  return url ? 'other' : '(native)';
}

/**
 * summarizeProfile returns the CPU ms spent between `fromUs` and `toUs` (profile clock, µs), by category (native frames
 * count for the nearest caller with a script), the top self-time frames, and the inclusive time of the frames
 * whose URL contains `focus` (e.g. '/dist/'). `remap` may rewrite each frame first (bench/lib/source-map.js: the
 * bundled command's frames back to their source files).
 */
export function summarizeProfile(profile, { fromUs = 0, toUs = Infinity, focus = '/dist/', top = 15, remap } = {}) {
  if (remap) for (const n of profile.nodes) n.callFrame = remap(n.callFrame);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  const inclusive = new Map();
  const categories = new Map();
  let busyMs = 0;
  let t = profile.startTime;
  const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    const name = node.callFrame.functionName;
    if (name === '(idle)') continue;
    busyMs += ms;
    if (SPECIAL.has(name)) {
      add(categories, name, ms);
      add(self, name, ms);
      continue;
    }
    add(self, key(node), ms);
    let owner = node;
    while (owner && !owner.callFrame.url && parent.has(owner.id)) owner = byId.get(parent.get(owner.id));
    add(categories, categoryOf(owner?.callFrame.url ?? ''), ms);
    const seen = new Set();
    for (let n = node; n; n = parent.has(n.id) ? byId.get(parent.get(n.id)) : undefined) {
      if (!n.callFrame.url.includes(focus)) continue;
      const k = key(n);
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, ms);
      }
    }
  }
  const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    busyMs,
    categories: sorted(categories),
    self: sorted(self).slice(0, top),
    inclusive: sorted(inclusive).slice(0, top),
  };
}
