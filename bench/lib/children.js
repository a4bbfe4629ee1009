// Child processes of the bench: spawned with an IPC channel (so they stop if the bench dies), tracked, and all
// killed on exit, error or signal.
import { spawn } from 'node:child_process';

const live = new Set();

/** startChild spawns `command args`; stderr's last 4 KiB are kept for error messages. */
export function startChild(name, command, args, { env = {}, ipc = true, cwd } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4096)));
  child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-65536)));
  const handle = {
    name,
    child,
    get pid() {
      return child.pid;
    },
    get stderr() {
      return stderr;
    },
    get stdout() {
      return stdout;
    },
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    alive: () => child.exitCode === null && child.signalCode === null,
    /** stop sends SIGTERM and waits up to `ms`, then SIGKILL. */
    async stop(ms = 3000) {
      if (!handle.alive()) return handle.exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => handle.alive() && child.kill('SIGKILL'), ms);
      const result = await handle.exited;
      clearTimeout(timer);
      return result;
    },
  };
  child.once('error', (err) => (stderr += `\nspawn error: ${err.message}`));
  live.add(handle);
  handle.exited.then(() => live.delete(handle));
  return handle;
}

/** runChild runs a child to completion (bounded by `timeoutMs`) and returns its stdout; throws on failure. */
export async function runChild(name, command, args, options = {}) {
  const handle = startChild(name, command, args, { ...options, ipc: false });
  const timer = setTimeout(() => handle.alive() && handle.child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const { code, signal } = await handle.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} exited with ${code ?? signal}: ${handle.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return handle.stdout;
}

/** killAll kills every live child at once (SIGKILL); safe to call from an exit handler. */
export function killAll() {
  for (const handle of live) {
    try {
      handle.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
