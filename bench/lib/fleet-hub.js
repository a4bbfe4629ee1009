// fleet-hub: the dev hub (the real hub's rules: identify, validation, per-agent rate tiers) in a process of its
// own, so the 1,000 simulated agents and the hub do not share an event loop. It sends its parent, every 200 ms,
// what arrived since: identify and report arrival times (ms on the shared clock, performance.timeOrigin +
// performance.now(), so the parent can line them up with its own), and the running refusal and error counts.
import { startDevHub } from '../../dist/hub/dev-hub.js';

const port = Number(process.env.FLEET_HUB_PORT);
// The parent going away ends the hub: no orphan keeps the port.
process.on('disconnect', () => process.exit(0));

const at = () => performance.timeOrigin + performance.now();
let seen = 0;
let identifies = [];
let reports = [];
let errors = 0;
/** frames counts every JSON frame the hub received, for its CPU cost per frame. */
let frames = 0;
// print is called as each report is accepted and stored: its arrival time, exact.
// rateLimits stays on, explicitly: the hub's refusals are one of the things measured.
const hub = await startDevHub({ port, host: '127.0.0.1', rateLimits: true, print: () => void reports.push(at()) });

/** scan reads the frames received since the last scan; arrival is taken as the scan time (≤ 50 ms late). */
function scan() {
  const now = at();
  const received = hub.received;
  for (; seen < received.length; seen++) {
    const frame = received[seen];
    frames++;
    if (!frame.accepted && !frame.refused) errors++;
    if (!frame.accepted) continue;
    if (frame.type === 'identify') identifies.push(now);
  }
  // The array is the hub's live log; trimming what was read keeps a 5-minute run's memory flat.
  if (seen > 50_000) {
    received.splice(0, seen);
    seen = 0;
  }
}
setInterval(scan, 50);
setInterval(() => {
  process.send?.({ kind: 'batch', identifies, reports, refused: { ...hub.state.refused }, errors, frames, cpu: process.cpuUsage() });
  identifies = [];
  reports = [];
}, 200);
process.send?.({ kind: 'ready', url: hub.url });
