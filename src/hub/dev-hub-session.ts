import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../core/contracts/logger.js';
import { formatReport } from './format-report.js';
import { tierOf } from './hub-rates.js';
import type { HubState } from './hub-state.js';
import { parseFrame } from './validate-frame.js';

/** ReceivedFrame is one JSON-object frame the dev hub received, in arrival order. */
export interface ReceivedFrame {
  /** connection numbers connections from 1, in accept order. */
  readonly connection: number;
  readonly type: string;
  readonly frame: Readonly<Record<string, unknown>>;
  /** accepted is false when the frame was answered with an error (or refused by a rate limit). */
  readonly accepted: boolean;
  /** refused is true when the frame was answered `rate_limited`. */
  readonly refused?: boolean;
}

/** SessionSetup is what one connection shares with the dev hub. */
export interface SessionSetup {
  readonly token: string;
  readonly silenceMs: number;
  readonly logger: Logger;
  readonly print: (line: string) => void;
  readonly received: ReceivedFrame[];
  /** state is shared by every connection: latest reports, rate buckets, presence, Ollama endpoints. */
  readonly state: HubState;
  /** tasks: push a `task_assign` to each connection once identified, as the hub's scheduler does to idle agents. */
  readonly tasks: boolean;
  /** rateLimits: apply the hub's three tiers (false only for benchmarks that send faster than the real hub allows). */
  readonly rateLimits: boolean;
  /** nextTaskId numbers the pushed tasks. */
  readonly nextTaskId: () => string;
}

/** STRIKES_MAX validation errors within STRIKE_WINDOW_MS close the connection with 1008, like the hub. */
const STRIKES_MAX = 10;
const STRIKE_WINDOW_MS = 60_000;

function textOf(data: RawData, isBinary: boolean): string {
  if (isBinary) return '';
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)).toString('utf8');
}

/** runSession answers one sidecar connection the way the hub does (PROTOCOL.md). */
export function runSession(ws: WebSocket, connection: number, setup: SessionSetup): void {
  const { logger, token, silenceMs } = setup;
  let agentId: string | null = null;
  let strikes: number[] = [];
  let silence: NodeJS.Timeout | undefined;
  const reply = (frame: Record<string, unknown>) => void (ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame)));
  const hush = () => {
    clearTimeout(silence);
    silence = setTimeout(() => {
      logger.warn({ connection, agent_id: agentId }, `Dropping a connection silent for ${silenceMs} ms`);
      ws.terminate();
    }, silenceMs);
  };
  hush();
  ws.on('error', (err) => logger.warn({ connection, error: err.message }, 'Connection error'));
  ws.on('close', (code) => {
    clearTimeout(silence);
    logger.info({ connection, agent_id: agentId, code }, 'Sidecar disconnected');
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    hush();
    const parsed = parseFrame(textOf(data, isBinary));
    if (parsed.kind === 'invalid_json') return reply({ type: 'error', error: 'invalid_json' });
    const record = (accepted: boolean) => void setup.received.push({ connection, type: parsed.type, frame: parsed.frame, accepted });
    if (agentId === null && !(parsed.kind === 'frame' && parsed.type === 'identify')) {
      record(false);
      return reply({ type: 'error', error: 'not_identified' });
    }
    if (parsed.kind === 'unknown_type') {
      record(false);
      return reply({ type: 'error', error: 'unknown_message_type' });
    }
    const { type, frame, errors } = parsed;
    // Nothing is rate-limited before identified (PROTOCOL.md); after, every frame spends from its tier.
    if (agentId !== null && setup.rateLimits) {
      const tier = tierOf(type);
      const verdict = setup.state.rates(agentId).take(tier);
      if (!verdict.ok) {
        setup.state.refused[tier]++;
        setup.received.push({ connection, type, frame: parsed.frame, accepted: false, refused: true });
        logger.warn({ connection, agent_id: agentId, tier, message_type: type }, 'Frame refused: rate limited');
        return reply({ type: 'rate_limited', retry_after_ms: verdict.retryAfterMs, tier });
      }
      if (verdict.warning) reply({ type: 'rate_limit_warning', tier, ...verdict.warning });
    }
    if (errors.length > 0) {
      record(false);
      logger.warn({ connection, message_type: type, errors: errors.map(({ field, error, detail }) => ({ field, error, detail })) }, 'Frame failed validation');
      reply({ type: 'error', error: 'validation_failed', message_type: type, errors });
      const now = Date.now();
      strikes = [...strikes.filter((t) => now - t < STRIKE_WINDOW_MS), now];
      if (strikes.length >= STRIKES_MAX) ws.close(1008, 'too many validation errors');
      return;
    }
    if (type === 'identify' && token !== '' && frame.token !== token) {
      record(false);
      logger.warn({ connection, agent_id: frame.agent_id }, 'Identify refused: invalid token');
      return reply({ type: 'error', error: 'invalid_token' });
    }
    record(true);
    const { state } = setup;
    if (type === 'identify') {
      agentId = frame.agent_id as string;
      logger.info({ connection, agent_id: agentId }, 'Sidecar identified');
      state.pinged(agentId);
      if (typeof frame.ollama_url === 'string') state.endpoints.set(`${agentId}-local`, frame.ollama_url);
      reply({ type: 'identified', agent_id: agentId });
      if (setup.tasks) reply({ type: 'task_assign', task_id: setup.nextTaskId(), description: 'dev hub task', metadata: {} });
      return;
    }
    const agent = agentId ?? '?';
    if (type === 'ping') {
      state.pinged(agent);
      return reply({ type: 'pong', timestamp: state.clock.now() });
    }
    if (type === 'ollama_report') {
      state.endpoints.set(`${agent}-local`, frame.ollama_url as string);
      return reply({ type: 'ollama_report_ack', status: 'registered' });
    }
    state.store(agent, frame);
    setup.print(formatReport(frame, agent));
  });
}
