import { describe, expect, it } from 'vitest';
import type { TransportContext } from '../../../../src/core/contracts/plugin.js';
import type { IdentifyFields } from '../../../../src/core/contracts/report.js';
import { validateFrame } from '../../../../src/hub/validate-frame.js';
import type { WebsocketOptions } from '../../../../src/plugins/transports/websocket/config.js';
import { identifyFrame } from '../../../../src/plugins/transports/websocket/identify.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { AGENT, TOKEN } from './helpers.js';

async function frameFor(extra: Record<string, unknown>) {
  const log = memoryLogger();
  const ctx = {
    agent: AGENT,
    options: { token: TOKEN },
    logger: log.logger,
    identify: async () => extra as IdentifyFields,
  } as unknown as TransportContext<WebsocketOptions>;
  const frame = await identifyFrame(ctx, AbortSignal.timeout(1000), (s) => s.replaceAll(TOKEN, '***'));
  return { frame, warnings: log.records().filter((r) => r.level === 40) };
}

describe('identifyFrame: collector fields the hub would refuse', () => {
  it.each([
    ['status', 123, 'a string of at most 256 characters', 'an integer'],
    ['status', 'x'.repeat(257), 'a string of at most 256 characters', 'a string of 257 characters'],
    ['capabilities', 'gpu', 'a list of strings', 'a string'],
    ['capabilities', ['gpu', 7], 'a list of strings', 'a list with an item that is not a string'],
    ['ollama_url', 'http://h/' + 'x'.repeat(600), 'a string of at most 512 characters', 'a string of 609 characters'],
    ['ollama_url', { host: 'h' }, 'a string of at most 512 characters', 'an object'],
  ])('leaves out %s = %j with a warning, and the hub accepts the rest', async (field, value, expected, got) => {
    const { frame, warnings } = await frameFor({ [field]: value, extra_info: 'kept' });
    expect(frame).not.toHaveProperty(field);
    expect(frame).toMatchObject({ type: 'identify', agent_id: AGENT.id, token: TOKEN, name: AGENT.name, extra_info: 'kept' });
    expect(warnings).toEqual([expect.objectContaining({ field, expected, got })]);
    expect(validateFrame('identify', frame)).toEqual([]);
  });

  it('keeps right-typed fields without a word', async () => {
    const { frame, warnings } = await frameFor({ status: 'idle', capabilities: ['gpu', 'cuda'], ollama_url: 'http://127.0.0.1:11434' });
    expect(frame).toMatchObject({ status: 'idle', capabilities: ['gpu', 'cuda'], ollama_url: 'http://127.0.0.1:11434' });
    expect(warnings).toEqual([]);
    expect(validateFrame('identify', frame)).toEqual([]);
  });

  it('never lets a collector override the framework’s fields, right-typed or not', async () => {
    const { frame } = await frameFor({ agent_id: 'other', token: 'stolen', name: 7, type: 'x', protocol_version: 2 });
    expect(frame).toEqual({ type: 'identify', protocol_version: 1, agent_id: AGENT.id, token: TOKEN, name: AGENT.name });
  });
});
