// A CommonJS host written for the test that drives the library itself: it creates the runtime without a schedule,
// identifies on its own WebSocket with the collectors' identifyFields(), and after `identified` calls collect(),
// whose report reaches the hub through a transport given in code. Environment: HUB_URL, AGENT_ID, OLLAMA_URL.
// Prints JSON lines: the identify fields (from the runtime and from the transport's context), then each report.
'use strict';
const WebSocket = require('ws');
const { createSidecar } = require('llm-sidecar');

const { HUB_URL, AGENT_ID, OLLAMA_URL } = process.env;

async function main() {
  let identified = false;
  let context;
  const ws = new WebSocket(HUB_URL);
  const sidecar = await createSidecar({
    config: {
      agent: { id: AGENT_ID },
      collectors: [{ plugin: 'cpu' }, { plugin: 'memory' }, { plugin: 'ollama-vram', options: { url: OLLAMA_URL } }],
    },
    logger: (level, message, data) => console.error(`[sidecar ${level}] ${message} ${JSON.stringify(data)}`),
    transports: [
      (ctx) => {
        context = ctx;
        return { send: (report) => identified && ws.send(JSON.stringify({ ...report, protocol_version: 1 })) };
      },
    ],
  });
  const fields = await sidecar.identifyFields();
  console.log(JSON.stringify({ identify_fields: fields, context_identify: await context.identify(), context_agent: context.agent }));
  // Collections before the hub answers are not sent: the transport checks `identified`.
  await sidecar.collect();
  ws.on('message', async (data) => {
    const msg = JSON.parse(String(data));
    if (msg.type !== 'identified') return;
    identified = true;
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200)); // a CPU delta needs more than one 10 ms tick
      console.log(JSON.stringify(await sidecar.collect()));
    }
    console.log(JSON.stringify({ status_reports: sidecar.status().reports }));
    await sidecar.stop();
    ws.close(1000);
  });
  if (ws.readyState !== WebSocket.OPEN) await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'identify', agent_id: AGENT_ID, token: 'dev', name: 'cjs driven host', ...fields, protocol_version: 1 }));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
