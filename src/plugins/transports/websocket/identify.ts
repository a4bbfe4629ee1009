import type { TransportContext } from '../../../core/contracts/plugin.js';
import { describeHubType, HUB_IDENTIFY_FIELDS, hubFieldMismatch, hubFieldRule, type IdentifyFields } from '../../../core/contracts/report.js';
import { describeError } from '../../../core/errors.js';
import type { WebsocketOptions } from './config.js';

/**
 * identifyFrame builds the handshake frame: the framework's fields, then what collectors contribute through
 * `ctx.identify` (e.g. `ollama_url`). Null and undefined values are left out (the hub reads null as absent and
 * validates strictly), and collectors cannot override `type`, `protocol_version`, `agent_id`, `token` or `name`.
 * A field the hub knows (HUB_IDENTIFY_FIELDS) with the wrong type or an over-long string is left out with a
 * warning: the hub would refuse the whole identify for it, and the sidecar would never be identified.
 * `filter` may leave fields out first (AdvertisedUrl: a loopback ollama_url for a remote hub).
 * It never throws: if gathering fails, the frame goes without the extra fields.
 */
export async function identifyFrame(
  ctx: TransportContext<WebsocketOptions>,
  signal: AbortSignal,
  redact: (value: string) => string,
  filter: (fields: Record<string, unknown>) => Record<string, unknown> = (fields) => fields,
): Promise<Record<string, unknown>> {
  const frame: Record<string, unknown> = {
    type: 'identify',
    protocol_version: 1,
    agent_id: ctx.agent.id,
    token: ctx.options.token,
    name: ctx.agent.name,
  };
  let extra: IdentifyFields = {};
  try {
    extra = (await ctx.identify(signal)) ?? {};
  } catch (err) {
    ctx.logger.warn({ error: redact(describeError(err)) }, 'Gathering identify fields failed; identifying without them');
  }
  for (const [key, value] of Object.entries(filter(extra))) {
    if (value === null || value === undefined || Object.hasOwn(frame, key)) continue;
    const rule = hubFieldRule(HUB_IDENTIFY_FIELDS, key);
    const got = rule && hubFieldMismatch(value, rule);
    if (got !== undefined) {
      const expected = describeHubType(rule!);
      ctx.logger.warn({ field: key, expected, got }, `Left "${key}" out of identify: the hub needs ${expected}, a collector gave ${got}`);
      continue;
    }
    frame[key] = value;
  }
  return frame;
}
