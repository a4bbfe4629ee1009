import { cutOffMessage } from '../../core/collection-cycle.js';
import { resolvePlugins } from '../../core/plugins/resolve-entries.js';
import { setup } from '../setup.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** validateCommand loads the config and every enabled plugin and checks all options, without running anything. */
export async function validateCommand(opts: { config?: string }): Promise<void> {
  const { config, builtins } = await setup(opts.config);
  const resolved = await resolvePlugins(config, builtins);
  const names = (list: ReadonlyArray<{ instanceId: string }>) =>
    list.length ? ` (${list.map((r) => r.instanceId).join(', ')})` : '';
  const disabled = [...config.collectors, ...config.transports].filter((e) => !e.enabled).length;
  process.stdout.write(
    `${config.file}: OK: agent "${config.agent.id}", ` +
      `${plural(resolved.collectors.length, 'collector')}${names(resolved.collectors)}, ` +
      `${plural(resolved.transports.length, 'transport')}${names(resolved.transports)}` +
      `${disabled ? `, ${disabled} disabled` : ''}; first report after ${config.agent.initial_delay_ms} ms, ` +
      `then every ${config.agent.interval_ms} ms\n`,
  );
  // Not a problem (the file is valid and runs), but a deadline that will not be honoured as written.
  for (const c of resolved.collectors) {
    const note = cutOffMessage(c.path, c.entry.timeout_ms, config.agent.interval_ms);
    if (note) process.stdout.write(`${config.file}: note: ${note}\n`);
  }
}
