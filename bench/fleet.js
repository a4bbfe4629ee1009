// bench:fleet — 1,000 in-process sidecars (the real Sidecar runtime: schedule, jitter, websocket transport with
// its backoff, reconnect spread, pacing and rate budgets) sharing this process's event loop, against the dev hub
// (the real hub's rules) in a child process. Three measurements, all on 127.0.0.1, bounded, self-stopping:
//   (a) connections per second after the hub is killed and restarted on the same port;
//   (b) reports per second at the hub, a fleet started together without and with agent.jitter_ms;
//   (c) the hub's rate-limit refusals per tier, and frames it answered with an error.
// Environment: FLEET_AGENTS (1000), FLEET_INTERVAL_MS (10000), FLEET_DOWN_MS (3000: how long the hub stays dead),
// FLEET_SPREAD_MS (the websocket default when unset). See bench/FLEET.md.
import { freePort } from './lib/free-port.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createSidecar } from '../dist/index.js';
import { startChild, killAll } from './lib/children.js';
import { burst, perSecond, rate } from './lib/fleet-stats.js';

const AGENTS = Number(process.env.FLEET_AGENTS ?? 1000);
const INTERVAL_MS = Number(process.env.FLEET_INTERVAL_MS ?? 10_000);
const DOWN_MS = Number(process.env.FLEET_DOWN_MS ?? 3000);
const SPREAD_MS = process.env.FLEET_SPREAD_MS === undefined ? undefined : Number(process.env.FLEET_SPREAD_MS);
const INITIAL_DELAY_MS = 1000;
/** WINDOW_ROUNDS: report rates are taken over this many intervals, once every agent reports on its grid. */
const WINDOW_ROUNDS = 3;
const COLLECTOR = fileURLToPath(new URL('./lib/constant-collector.js', import.meta.url));

/** at is the clock shared with the hub process (performance.timeOrigin + performance.now(): monotonic). */
const at = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The whole run is bounded: whatever hangs, everything stops within 6 minutes.
setTimeout(() => {
  console.error('bench:fleet: over its 6-minute bound; stopping');
  killAll();
  process.exit(1);
}, 6 * 60_000).unref();


/** Arrivals collects what every hub incarnation reported: identify and report times, refusals, errors. */
const arrivals = { identifies: [], reports: [], refused: [], errors: [], cpu: [], frames: [] };

/** startHub starts a hub process on `port` and resolves once it listens. */
async function startHub(port, incarnation) {
  const hub = startChild(`hub-${incarnation}`, process.execPath, [fileURLToPath(new URL('./lib/fleet-hub.js', import.meta.url))], {
    env: { FLEET_HUB_PORT: String(port) },
  });
  arrivals.refused[incarnation] = { light: 0, normal: 0, heavy: 0 };
  arrivals.errors[incarnation] = 0;
  const ready = new Promise((resolve, reject) => {
    hub.child.on('message', (m) => {
      if (m.kind === 'ready') resolve(m.url);
      if (m.kind !== 'batch') return;
      arrivals.identifies.push(...m.identifies);
      arrivals.reports.push(...m.reports);
      arrivals.refused[incarnation] = m.refused;
      arrivals.errors[incarnation] = m.errors;
      arrivals.cpu[incarnation] = m.cpu;
      arrivals.frames[incarnation] = m.frames;
    });
    hub.exited.then(({ code, signal }) => reject(new Error(`hub exited (${code ?? signal}) before listening: ${hub.stderr.trim()}`)));
  });
  return { hub, url: await ready };
}

/** waitUntil polls `check` every 100 ms for at most `ms`; false when it timed out. */
async function waitUntil(check, ms) {
  const deadline = at() + ms;
  while (!check()) {
    if (at() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** startFleet creates AGENTS sidecars (each connects and identifies), then starts every schedule in one tick. */
async function startFleet(url, jitterMs) {
  const options = { url, ...(SPREAD_MS === undefined ? {} : { reconnect_spread_ms: SPREAD_MS }) };
  const sidecars = [];
  for (let i = 0; i < AGENTS; i++) {
    sidecars.push(
      await createSidecar({
        config: {
          agent: { id: `fleet-${String(i).padStart(4, '0')}`, initial_delay_ms: INITIAL_DELAY_MS, interval_ms: INTERVAL_MS, jitter_ms: jitterMs },
          collectors: [{ plugin: COLLECTOR }],
          transports: [{ plugin: 'websocket', options }],
        },
        // Errors only: a thousand "connection lost" warnings at the hub's kill are expected, not news.
        logLevel: 'error',
      }),
    );
  }
  const identified = () => sidecars.filter((s) => s.status().transports.every((t) => t.status?.identified === true)).length;
  const allIn = await waitUntil(() => identified() === AGENTS, 60_000);
  if (!allIn) throw new Error(`only ${identified()} of ${AGENTS} agents identified within 60 s`);
  const startedAt = at();
  for (const sidecar of sidecars) sidecar.start();
  // Creating a thousand sidecars blocks the loop for seconds; what is measured starts now.
  loopDelay.reset();
  return { sidecars, startedAt, identified };
}

/** reportWindow is the steady window after a fleet start: every agent past its first (jittered) report. */
function reportWindow(startedAt, jitterMs) {
  const from = startedAt + INITIAL_DELAY_MS + Math.max(jitterMs, INTERVAL_MS - INITIAL_DELAY_MS);
  return { from, to: from + WINDOW_ROUNDS * INTERVAL_MS };
}

/** hubCost is the hub processes' CPU over the run (their start-up included) and per frame they received. */
function hubCost() {
  const cpuUs = arrivals.cpu.reduce((sum, c) => sum + (c ? c.user + c.system : 0), 0);
  const frames = arrivals.frames.reduce((sum, n) => sum + (n ?? 0), 0);
  return { cpu_s: Math.round(cpuUs / 1e4) / 100, frames, cpu_us_per_frame: frames ? Math.round(cpuUs / frames) : null };
}

/** loopDelay watches the agents' shared event loop: a saturated loop would delay every agent's timers alike. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** loop is the agents' event-loop delay over the phase just measured (p99 and max, ms), and starts a new phase. */
function loop() {
  const figures = { loop_delay_p99_ms: Math.round(loopDelay.percentile(99) / 1e5) / 10, loop_delay_max_ms: Math.round(loopDelay.max / 1e5) / 10 };
  loopDelay.reset();
  return figures;
}
const cpuAtStart = process.cpuUsage();
const runStart = at();
const port = await freePort();
let { hub, url } = await startHub(port, 0);
console.error(`bench:fleet: ${AGENTS} agents, interval ${INTERVAL_MS} ms, hub ${url} (pid ${hub.pid})`);

// (b, lockstep) A fleet started together without jitter.
const createdAt = at();
let fleet = await startFleet(url, 0);
const lockWin = reportWindow(fleet.startedAt, 0);
await sleep(lockWin.to - at() + 500);
const coldStart = burst(arrivals.identifies, createdAt, AGENTS);
const lockstep = { ...rate(perSecond(arrivals.reports, lockWin.from, lockWin.to)), ...loop() };
console.error(`bench:fleet: lockstep ${JSON.stringify(lockstep)}`);

// (a) The hub dies (SIGKILL: no close frame, like a crash or a container kill), stays down DOWN_MS, and a new
// one binds the same port.
const killedAt = at();
hub.child.kill('SIGKILL');
await hub.exited;
await sleep(DOWN_MS);
const restartedAt = at();
({ hub, url } = await startHub(port, 1));
const back = await waitUntil(() => fleet.identified() === AGENTS, 120_000);
await sleep(1000); // the last identifies' batch
const reconnect = { ...burst(arrivals.identifies, restartedAt, AGENTS), all_back: back, restart_after_kill_s: Math.round((restartedAt - killedAt) / 10) / 100, ...loop() };
const reconnectPerSecond = perSecond(arrivals.identifies, restartedAt, restartedAt + 60_000);
console.error(`bench:fleet: reconnect ${JSON.stringify(reconnect)}`);

// (b, jitter) The same fleet stopped and started together again, now with agent.jitter_ms just below the interval.
await Promise.all(fleet.sidecars.map((s) => s.stop()));
const jitterMs = INTERVAL_MS - 1;
fleet = await startFleet(url, jitterMs);
const jitWin = reportWindow(fleet.startedAt, jitterMs);
await sleep(jitWin.to - at() + 500);
const jittered = { ...rate(perSecond(arrivals.reports, jitWin.from, jitWin.to)), ...loop() };
console.error(`bench:fleet: jittered ${JSON.stringify(jittered)}`);

await Promise.all(fleet.sidecars.map((s) => s.stop()));
await sleep(400); // the hub's last batch
await hub.stop();
loopDelay.disable();
const cpu = process.cpuUsage(cpuAtStart);
const wallS = (at() - runStart) / 1000;
const refused = arrivals.refused.reduce((sum, r) => ({ light: sum.light + r.light, normal: sum.normal + r.normal, heavy: sum.heavy + r.heavy }));
const result = {
  agents: AGENTS,
  interval_ms: INTERVAL_MS,
  hub_down_ms: DOWN_MS,
  reconnect_spread_ms: SPREAD_MS ?? 'default',
  cold_start_identifies: coldStart,
  reconnect_after_restart: reconnect,
  // One line: connections accepted in each second after the restart, up to the last one.
  reconnects_per_second: reconnectPerSecond.slice(0, reconnectPerSecond.findLastIndex((n) => n > 0) + 1).join(' '),
  reports_lockstep: lockstep,
  reports_jitter: { jitter_ms: jitterMs, ...jittered },
  refused,
  error_answers: arrivals.errors.reduce((a, b) => a + b, 0),
  hub_process: hubCost(),
  agents_process: {
    wall_s: Math.round(wallS),
    cpu_pct: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100),
    rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
  },
};
console.log(JSON.stringify(result, null, 2));
process.exit(0);
