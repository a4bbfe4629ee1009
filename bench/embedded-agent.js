// The sidecar without its CLI: the library (dist/index.js) running the same plugins on the same schedule as the
// daemon (cpu, memory, ollama-vram, websocket; interval INTERVAL_MS, no initial delay), but without what only
// the `run` command adds (its status file, signal handling). The daemon minus this is the CLI's own cost;
// this minus the reference is the runtime's and the plugins'.
import { startSidecar } from '../dist/index.js';
import { agentEnv, exitWithParent } from './lib/plain-io.js';

exitWithParent();
const { ollamaUrl, hubUrl, agentId, intervalMs } = agentEnv();
await startSidecar({
  config: {
    agent: { id: agentId, initial_delay_ms: 0, interval_ms: intervalMs },
    collectors: [{ plugin: 'cpu' }, { plugin: 'memory' }, { plugin: 'ollama-vram', options: { url: ollamaUrl } }],
    transports: [{ plugin: 'websocket', options: { url: hubUrl } }],
  },
  logLevel: 'warn',
});
