import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/cli/commands/status.js';
import type { StatusDocument } from '../../src/cli/status-file.js';
import { cliEnv, cliTempDir, finished, runCli, startCli, waitForLines } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

function doc(overrides: Partial<StatusDocument> = {}, transportStatus: Record<string, unknown> | null = null): StatusDocument {
  const now = Date.now();
  return {
    state: 'running',
    pid: process.pid,
    started_at: now - 60_000,
    updated_at: now - 1000,
    interval_ms: 30_000,
    runtime: {
      agentId: 'a1',
      reports: 3,
      lastReportAt: now - 1000,
      collectors: [{ instanceId: 'cpu', ok: true, lastError: null, lastDurationMs: 250, runs: 3, failures: 0 }],
      transports: transportStatus ? [{ instanceId: 'websocket', status: transportStatus as never }] : [],
    },
    ...overrides,
  };
}

describe('judge', () => {
  it('is healthy when running, fresh and identified', () => {
    const verdict = judge(doc({}, { state: 'identified', identified: true, sent: 3, buffered: 0, dropped: 0 }), Date.now());
    expect(verdict).toMatchObject({ healthy: true, reasons: [] });
    expect(verdict.summary).toContain('websocket identified (sent 3, buffered 0, dropped 0)');
  });

  it.each([
    ['not identified', doc({}, { state: 'backoff', identified: false }), /websocket is not identified to the hub \(state backoff\)/],
    ['stale', doc({ updated_at: Date.now() - 200_000 }), /status is 200 s old \(limit 70 s\)/],
    ['stopped', doc({ state: 'stopped' }), /the daemon has stopped/],
    ['dead process', doc({ pid: 2 ** 22 + 12345 }), /process \d+ is not running/],
    ['a transport is closed', doc({}, { sent: 1, dropped: 4, closed: true, last_error: 'write EPIPE' }), /websocket is closed \(write EPIPE\); its reports are dropped/],
  ])('is unhealthy when %s', (_name, status, reason) => {
    const verdict = judge(status, Date.now());
    expect(verdict.healthy).toBe(false);
    expect(verdict.reasons.join('; ')).toMatch(reason);
  });
});

describe('sidecar status against a running daemon', () => {
  it('reports healthy while it runs, and unhealthy (exit 1) once it stopped', async () => {
    const dir = tempDir('sidecar-status-');
    const config = path.join(dir, 'plugins.json');
    const statusFile = path.join(dir, 'status.json');
    await writeFile(config, JSON.stringify({ agent: { id: 'st', initial_delay_ms: 0, interval_ms: 200 }, collectors: [{ plugin: 'memory' }], transports: [{ plugin: 'stdout' }] }));
    const daemon = startCli(['run', '--config', config, '--status-file', statusFile]);
    const done = finished(daemon);
    let healthy;
    try {
      await waitForLines(daemon, 2);
      healthy = await runCli(['status', '--status-file', statusFile]);
    } finally {
      daemon.kill('SIGTERM');
    }
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^healthy; agent st; \d+ reports, last report \d+ s ago; stdout \(sent \d+, dropped 0\); all collectors ok\n$/);
    expect((await done).code).toBe(0);
    const stopped = await runCli(['status', '--status-file', statusFile, '--json']);
    expect(stopped.code).toBe(1);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ healthy: false, reasons: ['the daemon has stopped'], status: { state: 'stopped' } });
  });

  it('finds the daemon through the same config when no status file is named (one file per agent id)', async () => {
    const dir = tempDir('sidecar-status-');
    const config = path.join(dir, 'plugins.json');
    const agent = `st-${path.basename(dir)}`;
    await writeFile(config, JSON.stringify({ agent: { id: agent, initial_delay_ms: 0, interval_ms: 200 }, collectors: [{ plugin: 'memory' }], transports: [{ plugin: 'stdout' }] }));
    const daemon = startCli(['run', '--config', config]);
    const done = finished(daemon);
    let healthy;
    try {
      await waitForLines(daemon, 1);
      healthy = await runCli(['status', '--config', config, '--json']);
    } finally {
      daemon.kill('SIGTERM');
      await done;
      await rm(path.join(cliTempDir(), `sidecar-${agent}.status.json`), { force: true });
    }
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toMatchObject({ healthy: true, status: { runtime: { agentId: agent } } });
  });

  it('says unhealthy with exit 1, never 2, when the config cannot be read', async () => {
    const { code, stdout } = await runCli(['status', '--config', '/nonexistent/plugins.json']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^unhealthy: cannot find the status file: \/nonexistent\/plugins.json: file not found/);
  });

  it('says unhealthy with exit 1 when there is no status file', async () => {
    const { code, stdout } = await runCli(['status'], { env: cliEnv({ SIDECAR_STATUS_FILE: '/nonexistent/sidecar/status.json' }) });
    expect(code).toBe(1);
    expect(stdout).toContain('unhealthy: no status file at /nonexistent/sidecar/status.json');
  });

  it('says unhealthy with exit 1, not a crash, for a file that is JSON but not a status file', async () => {
    const dir = tempDir('sidecar-status-shape-');
    const file = path.join(dir, 'status.json');
    const shell = (runtime: string) => `{"state":"running","pid":1,"updated_at":1,"interval_ms":1,"runtime":${runtime}}`;
    for (const text of ['{}', 'null', '[1]', shell('{}'), shell('{"transports":[null],"collectors":[]}'), shell('{"transports":[],"collectors":[{}]}')]) {
      await writeFile(file, text);
      const { code, stdout, stderr } = await runCli(['status', '--status-file', file]);
      expect({ text, code, stderr }).toEqual({ text, code: 1, stderr: '' });
      expect(stdout).toContain('unhealthy: unreadable status file (not a status file written by "sidecar run")');
    }
    await rm(dir, { recursive: true });
  });

  it('exits 1, never 2, on a mistake in its own flags (Docker reserves 2)', async () => {
    const { code, stderr } = await runCli(['status', '--bogus']);
    expect(code).toBe(1);
    expect(stderr).toContain("unknown option '--bogus'");
    expect((await runCli(['status', '--help'])).code).toBe(0);
  });
});
