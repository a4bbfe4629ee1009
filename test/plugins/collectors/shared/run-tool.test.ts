import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool, ToolNotFoundError } from '../../../../src/plugins/collectors/shared/run-tool.js';
import { fakeTool, isGone, removeTempDirs, tempDir } from './fake-tools.js';

const never = () => new AbortController().signal;

async function waitUntil(check: () => boolean, ms = 2000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (check()) return true;
  return check();
}

afterEach(removeTempDirs);

describe.skipIf(process.platform === 'win32')('runTool', () => {
  it('passes arguments as they are, without a shell', async () => {
    const tool = fakeTool(tempDir(), 'echo-args', 'printf "[%s]" "$@"');
    expect(await runTool(tool, ['a b', '$HOME', '*;'], never())).toBe('[a b][$HOME][*;]');
  });

  it('fails a tool that exits 0 with nothing on stdout but a complaint on stderr, instead of reading "no GPUs"', async () => {
    const tool = fakeTool(tempDir(), 'complains', 'echo "Failed to initialize NVML: Driver/library version mismatch" >&2');
    await expect(runTool(tool, [], never())).rejects.toThrow(/printed nothing on stdout: Failed to initialize NVML/);
    const quiet = fakeTool(tempDir(), 'quiet', 'true');
    expect(await runTool(quiet, [], never())).toBe('');
  });

  it('rejects ToolNotFoundError for a command that does not exist', async () => {
    const missing = path.join(tempDir(), 'nope');
    const err: unknown = await runTool(missing, [], never()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolNotFoundError);
    await expect(runTool('sidecar-test-no-such-command', [], never())).rejects.toBeInstanceOf(ToolNotFoundError);
  });

  it('kills the tool and what it started when the signal aborts, and settles at once', async () => {
    const dir = tempDir();
    const tool = fakeTool(dir, 'slow', `echo $$ > "${dir}/pid"\nsleep 30 &\necho $! > "${dir}/child"\nwait`);
    const started = performance.now();
    await expect(runTool(tool, [], AbortSignal.timeout(300))).rejects.toThrow(`${tool}: timed out`);
    expect(performance.now() - started).toBeLessThan(1000);
    for (const file of ['pid', 'child']) {
      const pid = Number(readFileSync(path.join(dir, file), 'utf8'));
      expect(await waitUntil(() => isGone(pid)), `${file} ${pid} still runs`).toBe(true);
    }
  });

  it('rejects at once when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runTool('sidecar-test-no-such-command', [], controller.signal)).rejects.toThrow(/: aborted$/);
  });

  it('stops a tool that prints more than the limit', async () => {
    const tool = fakeTool(tempDir(), 'endless', 'yes');
    const started = performance.now();
    await expect(runTool(tool, [], never(), 64 * 1024)).rejects.toThrow(/: output exceeds 65536 bytes$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('accepts output up to the limit', async () => {
    const tool = fakeTool(tempDir(), 'exact', 'head -c 65536 /dev/zero');
    expect(await runTool(tool, [], never(), 64 * 1024)).toHaveLength(65536);
  });
});
