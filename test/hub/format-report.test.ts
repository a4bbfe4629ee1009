import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/hub/format-report.js';

const GiB = 2 ** 30;

describe('formatReport', () => {
  it.each([
    [{ agent_id: 'box', cpu_percent: 7, ram_used_bytes: 2.5 * GiB, ram_total_bytes: 8 * GiB, vram_used_bytes: GiB, vram_total_bytes: 24 * GiB },
      'box  cpu 7.0%  ram 2.5/8.0 GiB  vram 1.0/24.0 GiB'],
    [{ agent_id: 'box', cpu_percent: null, ram_used_bytes: GiB, vram_used_bytes: 4.25 * GiB, vram_total_bytes: null },
      'box  cpu n/a  ram 1.0/? GiB  vram 4.3/? GiB'],
    [{ cpu_percent: 99.95 }, 'fallback  cpu 100.0%  ram n/a  vram n/a'],
    [{ agent_id: 'evil\u001b[2J' }, 'evil?[2J  cpu n/a  ram n/a  vram n/a'],
  ])('%j', (frame, line) => {
    expect(formatReport(frame, 'fallback')).toBe(line);
  });
});
