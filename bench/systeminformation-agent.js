// What a user might write instead: the same agent on `systeminformation`. Every INTERVAL_MS: si.currentLoad()
// and si.mem(), the same keep-alive GET /api/ps, and the same WebSocket send.
import si from 'systeminformation';
import { agentEnv, connectHub, exitWithParent, getJson, vramFields } from './lib/plain-io.js';

exitWithParent();
const { ollamaUrl, hubUrl, agentId, intervalMs } = agentEnv();
const hub = await connectHub(hubUrl, agentId);

let busy = false;
setInterval(async () => {
  if (busy) return; // never overlap, like the daemon
  busy = true;
  try {
    const timestamp = Date.now();
    const [load, mem] = await Promise.all([si.currentLoad(), si.mem()]);
    let vram = { vram_used_bytes: null, vram_total_bytes: null, ollama_models: null };
    try {
      vram = vramFields(await getJson(`${ollamaUrl}/api/ps`));
    } catch {
      // nulls
    }
    hub.send({
      type: 'resource_report',
      agent_id: agentId,
      timestamp,
      cpu_percent: Math.round(load.currentLoad * 10) / 10,
      ram_total_bytes: mem.total,
      ram_used_bytes: mem.total - mem.available,
      ...vram,
    });
  } finally {
    busy = false;
  }
}, intervalMs);
