import { defineCollector } from '../../../plugin.js';
import { createCpuCollector } from './collector.js';
import { cpuOptionsSchema, type CpuOptions } from './config.js';

/** cpuCollector reports `cpu_percent`, the busy share of all cores since the previous collection. */
export const cpuCollector = defineCollector<CpuOptions>({
  name: 'cpu',
  description: 'CPU utilisation of all cores together, from the difference of two os.cpus() samples.',
  fields: ['cpu_percent'],
  options: cpuOptionsSchema,
  create: (ctx) => createCpuCollector(ctx.options),
});
