// The plain I/O of the comparison agents: one keep-alive GET of Ollama's /api/ps, and one WebSocket to the hub
// (identify first, wait for `identified`, then one text frame per report). Written plainly on purpose.
import http from 'node:http';
import WebSocket from 'ws';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** getJson GETs `url` over a keep-alive connection and parses the JSON body. */
export function getJson(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'application/json' }, timeout: 2000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        try {
          if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** vramFields turns an /api/ps body into the report fields the ollama-vram collector gives. */
export function vramFields(body) {
  let used = 0;
  const models = [];
  for (const m of body.models) {
    used += m.size_vram;
    models.push({
      name: m.name,
      size_bytes: m.size,
      vram_bytes: m.size_vram,
      gpu_share: m.size > 0 ? Math.round((m.size_vram / m.size) * 1000) / 1000 : null,
      context_length: m.context_length ?? null,
      expires_at: m.expires_at ?? null,
    });
  }
  return { vram_used_bytes: used, vram_total_bytes: null, ollama_models: models };
}

/** connectHub opens the WebSocket, identifies as `agentId` and resolves with a `send(report)` once identified. */
export function connectHub(url, agentId) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'identify', protocol_version: 1, agent_id: agentId, token: '', name: agentId })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'identified') {
        resolve({ send: (report) => ws.send(JSON.stringify({ ...report, protocol_version: 1 })), close: () => ws.close() });
      }
    });
    ws.on('close', () => process.exit(3));
  });
}

/** agentEnv reads what every comparison agent is told by the bench. */
export function agentEnv() {
  const { OLLAMA_URL, HUB_URL, AGENT_ID, INTERVAL_MS } = process.env;
  if (!OLLAMA_URL || !HUB_URL || !AGENT_ID) throw new Error('OLLAMA_URL, HUB_URL and AGENT_ID are required');
  return { ollamaUrl: OLLAMA_URL, hubUrl: HUB_URL, agentId: AGENT_ID, intervalMs: Number(INTERVAL_MS ?? 100) };
}

/**
 * exitWithParent stops the agent if the bench goes away (IPC channel closed), and on SIGTERM; it also answers
 * the bench's 'memory' message with what the process's memory is made of.
 */
export function exitWithParent() {
  process.on('SIGTERM', () => process.exit(0));
  if (!process.send) return;
  process.once('disconnect', () => process.exit(0));
  process.on('message', async (message) => {
    if (message !== 'memory') return;
    const v8 = await import('node:v8');
    const code = v8.getHeapCodeStatistics();
    process.send({
      memory: {
        usage: process.memoryUsage(),
        spaces: v8.getHeapSpaceStatistics().map((s) => ({ name: s.space_name, committed: s.physical_space_size, used: s.space_used_size })),
        code: code.code_and_metadata_size + code.bytecode_and_metadata_size,
      },
    });
  });
}
