const GIB = 1024 ** 3;

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function gib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : (bytes / GIB).toFixed(1);
}

/** pair renders `used/total GiB`, with `?` for an unknown half, or `n/a` when both are unknown. */
function pair(used: unknown, total: unknown): string {
  const u = num(used);
  const t = num(total);
  return u === undefined && t === undefined ? 'n/a' : `${gib(u)}/${gib(t)} GiB`;
}

/** printable strips control characters (a hostile agent id must not garble the terminal). */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * formatReport renders a resource report as one readable line:
 * `gpu-box-1  cpu 12.5%  ram 7.8/31.3 GiB  vram 4.1/? GiB`.
 */
export function formatReport(frame: Readonly<Record<string, unknown>>, fallbackAgentId = '?'): string {
  const agent = typeof frame.agent_id === 'string' && frame.agent_id !== '' ? frame.agent_id : fallbackAgentId;
  const cpu = num(frame.cpu_percent);
  return [
    printable(agent),
    `cpu ${cpu === undefined ? 'n/a' : `${cpu.toFixed(1)}%`}`,
    `ram ${pair(frame.ram_used_bytes, frame.ram_total_bytes)}`,
    `vram ${pair(frame.vram_used_bytes, frame.vram_total_bytes)}`,
  ].join('  ');
}
