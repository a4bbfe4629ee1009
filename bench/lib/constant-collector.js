// constant-collector: the fleet simulation's collector. It returns the five fields the hub keeps, the same
// numbers every time, so the bench measures the schedule, the transport and the hub, not /proc or nvidia-smi.

/** The manifest: loaded by path from bench/fleet.js's in-process sidecars. */
export default {
  apiVersion: 1,
  kind: 'collector',
  name: 'constant',
  version: '1.0.0',
  description: 'Constant host figures for the fleet simulation.',
  fields: ['cpu_percent', 'ram_used_bytes', 'ram_total_bytes', 'vram_used_bytes', 'vram_total_bytes'],
  create: () => ({
    collect: () => ({
      cpu_percent: 12.5,
      ram_used_bytes: 8 * 2 ** 30,
      ram_total_bytes: 64 * 2 ** 30,
      vram_used_bytes: 20 * 2 ** 30,
      vram_total_bytes: 80 * 2 ** 30,
    }),
  }),
};
