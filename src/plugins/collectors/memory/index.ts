import { defineCollector } from '../../../plugin.js';
import { createMemoryCollector } from './collector.js';
import { memoryOptionsSchema, type MemoryOptions } from './config.js';

/** memoryCollector reports `ram_total_bytes` and `ram_used_bytes` (total minus available), from `node:os` and, on macOS, vm_stat. */
export const memoryCollector = defineCollector<MemoryOptions>({
  name: 'memory',
  description: 'RAM total and used (total minus available), from node:os (vm_stat on macOS).',
  fields: ['ram_total_bytes', 'ram_used_bytes'],
  options: memoryOptionsSchema,
  create: () => createMemoryCollector(),
});
