// A CommonJS host written for the test, shaped like the hub's own Node sidecar: it holds its own hub connection
// and takes its figures from collectMetrics, required exactly as the README shows. Environment: HUB_URL,
// AGENT_ID, OLLAMA_URL (may be unusable), REPORTS (default 2). Prints one JSON line per report it sent.
'use strict';
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');

const rssMib = () => process.memoryUsage().rss / 2 ** 20;
const before = { rss: rssMib(), t: performance.now() };
const { collectMetrics } = require('llm-sidecar');
console.log(JSON.stringify({ require_ms: performance.now() - before.t, require_rss_mib: rssMib() - before.rss }));

const { HUB_URL, AGENT_ID, OLLAMA_URL } = process.env;
const REPORTS = Number(process.env.REPORTS ?? 2);
const ws = new WebSocket(HUB_URL);
ws.on('open', () => ws.send(JSON.stringify({ type: 'identify', agent_id: AGENT_ID, token: 'dev', name: 'cjs metrics host', protocol_version: 1 })));
ws.on('message', async (data) => {
  const msg = JSON.parse(String(data));
  if (msg.type !== 'identified') return;
  for (let i = 0; i < REPORTS; i++) {
    // The hub sidecar reports every 30 s; a short gap here, since two calls within one tick of the CPU counters
    // (10 ms) have nothing to compare and rightly give a null cpu_percent.
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const metrics = await collectMetrics(OLLAMA_URL);
    ws.send(JSON.stringify({ type: 'resource_report', agent_id: AGENT_ID, timestamp: Date.now(), ...metrics, protocol_version: 1 }));
    console.log(JSON.stringify(metrics));
  }
  const heavy = Object.keys(require.cache).filter((f) => /node_modules[\\/](commander|prom-client|pino-pretty)[\\/]/.test(f));
  console.log(JSON.stringify({ heavy_modules: heavy }));
  ws.close(1000);
});
