// The reference agent: the least a Node process can do for the daemon's I/O, written plainly.
// Every INTERVAL_MS: os.cpus() (percent from the deltas), os.totalmem()/os.freemem(), one keep-alive
// GET /api/ps parsed as JSON, and one WebSocket send of the report to the hub (identified first).
import os from 'node:os';
import { agentEnv, connectHub, exitWithParent, getJson, vramFields } from './lib/plain-io.js';

exitWithParent();
const { ollamaUrl, hubUrl, agentId, intervalMs } = agentEnv();
const hub = await connectHub(hubUrl, agentId);

function cpuTotals() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

let previous = cpuTotals();
setInterval(async () => {
  const timestamp = Date.now();
  const now = cpuTotals();
  const dt = now.total - previous.total;
  const cpu = dt > 0 ? Math.round(((now.busy - previous.busy) / dt) * 1000) / 10 : null;
  previous = now;
  const total = os.totalmem();
  const report = { type: 'resource_report', agent_id: agentId, timestamp, cpu_percent: cpu, ram_total_bytes: total, ram_used_bytes: total - os.freemem() };
  let vram = { vram_used_bytes: null, vram_total_bytes: null, ollama_models: null };
  try {
    vram = vramFields(await getJson(`${ollamaUrl}/api/ps`));
  } catch {
    // reported as nulls, like the daemon
  }
  hub.send({ ...report, ...vram });
}, intervalMs);
