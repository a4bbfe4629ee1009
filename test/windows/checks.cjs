'use strict';
/**
 * checks.cjs runs under the Windows node.exe (in Wine): it starts the built CLI as a Windows user would and
 * writes one "pass NAME" or "FAIL NAME: why" line per check to the results file. Every process's output goes
 * to files, never to a pipe: node.exe under Wine dies writing to one (EBADF).
 *
 * Usage: node.exe checks.cjs <repository dir> <work dir> <results file> (all Windows paths, Z:\...)
 */
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const [repo, work, resultsFile] = process.argv.slice(2);
const CLI = path.join(repo, 'dist', 'cli.js');
const C_DIR = `C:\\sidecar-test-${process.pid}`;
const TIMEOUT_MS = 90_000;

const results = [];
function record(name, ok, detail) {
  results.push(`${ok ? 'pass' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  fs.writeFileSync(resultsFile, `${results.join('\n')}\n`);
}

let seq = 0;
/** cli starts `sidecar ...args` in the work dir, output to files; `ipc` forks it with a channel, as pm2 does. */
function cli(args, { ipc = false, cwd = work } = {}) {
  const id = ++seq;
  const outFile = path.join(work, `out-${id}.txt`);
  const errFile = path.join(work, `err-${id}.txt`);
  const [outFd, errFd] = [fs.openSync(outFile, 'w'), fs.openSync(errFile, 'w')];
  const options = { cwd, env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', outFd, errFd, ...(ipc ? ['ipc'] : [])] };
  const child = ipc ? fork(CLI, args, options) : spawn(process.execPath, [CLI, ...args], options);
  fs.closeSync(outFd);
  fs.closeSync(errFd);
  const timer = setTimeout(() => child.kill(), TIMEOUT_MS);
  const exited = new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve(code))));
  const read = (file) => () => fs.readFileSync(file, 'utf8');
  return { child, exited, out: read(outFile), err: read(errFile) };
}

async function until(condition, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function firstLine(text) {
  return text.trim().split('\n').find(Boolean)?.slice(0, 300) ?? '(no output)';
}

async function check(name, body) {
  const started = Date.now();
  try {
    const detail = await body();
    record(name, true, `${detail ? `${detail}, ` : ''}${Date.now() - started} ms`);
  } catch (err) {
    record(name, false, err.message.split('\n').join(' | '));
  }
}

function expect(ok, message) {
  if (!ok) throw new Error(message);
}

function writeConfig(file, extraCollectors = [], { id = 'wine-box', encoding } = {}) {
  const doc = {
    agent: { id, initial_delay_ms: 0, interval_ms: 500 },
    collectors: [{ plugin: 'cpu' }, { plugin: 'memory' }, ...extraCollectors.map((plugin) => ({ plugin }))],
    transports: [{ plugin: 'stdout' }],
  };
  const text = JSON.stringify(doc, null, 2);
  if (encoding === 'utf16le') fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  else if (encoding === 'utf16be') fs.writeFileSync(file, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
  else fs.writeFileSync(file, text);
  return file;
}

const PLUGIN = `module.exports = { apiVersion: 1, kind: 'collector', name: 'du', fields: ['du_bytes'],
  create: () => ({ collect: () => ({ du_bytes: 42 }) }) };\n`;
function writePlugin(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'du.js'), PLUGIN);
}

async function collectReport(config, cwd) {
  const run = cli(['collect', '--config', config], { cwd });
  const code = await run.exited;
  expect(code === 0, `exit ${code}: ${firstLine(run.err())}`);
  return JSON.parse(run.out());
}

async function main() {
  fs.mkdirSync(work, { recursive: true });
  const config = writeConfig(path.join(work, 'plugins.json'));
  writePlugin(path.join(C_DIR, 'plug'));
  writePlugin(path.join(work, 'sub', 'plugins'));
  writePlugin(path.join(work, 'cfg', 'plugins'));

  await check(`node ${process.version} on ${process.platform}`, async () => {
    expect(process.platform === 'win32', `platform is ${process.platform}`);
  });

  // The one-off commands run side by side: under Wine each start of node.exe costs seconds.
  const plugins = path.join(work, 'sub');
  const pluginSpecs = [
    ['C:\\ path', path.join(C_DIR, 'plug', 'du.js')],
    ['C:/ path', path.join(C_DIR, 'plug', 'du.js').replaceAll('\\', '/')],
    ['Z:\\ path', path.join(work, 'cfg', 'plugins', 'du.js')],
    ['\\\\?\\Z:\\ path', `\\\\?\\${path.join(work, 'cfg', 'plugins', 'du.js')}`],
    ['.\\ path', '.\\plugins\\du.js'],
    ['..\\ path', '..\\cfg\\plugins\\du.js'],
  ];
  const oneOffs = [
    check('collect', async () => {
      const report = await collectReport('plugins.json');
      expect(report.agent_id === 'wine-box', `agent_id ${report.agent_id}`);
      expect(report.ram_total_bytes > 0 && report.ram_used_bytes >= 0 && report.ram_used_bytes <= report.ram_total_bytes, `ram ${report.ram_used_bytes}/${report.ram_total_bytes}`);
      expect(report.cpu_percent === null || (report.cpu_percent >= 0 && report.cpu_percent <= 100), `cpu_percent ${report.cpu_percent}`);
      return `cpu ${report.cpu_percent}%, ram ${report.ram_used_bytes}/${report.ram_total_bytes}`;
    }),
    check('validate', async () => {
      const run = cli(['validate', '--config', config]);
      const code = await run.exited;
      expect(code === 0, `exit ${code}: ${firstLine(run.err())}`);
      return firstLine(run.out() || run.err());
    }),
    // All six in one config (du, du#2, ...), collected from another directory: paths are the config's. A
    // path that fails to load is an exit 2 whose problem names its entry, collectors[2 + i].
    (async () => {
      const file = writeConfig(path.join(plugins, 'plugins.json'), pluginSpecs.map(([, spec]) => spec));
      const run = cli(['collect', '--config', file], { cwd: C_DIR });
      const code = await run.exited;
      const report = code === 0 ? JSON.parse(run.out()) : {};
      for (const [index, [name, spec]] of pluginSpecs.entries()) {
        await check(`plugin by ${name} (${spec})`, async () => {
          const problem = run.err().split('\n').find((line) => line.includes(`collectors[${index + 2}]`));
          expect(!problem, problem);
          expect(code === 0 && report.du_bytes === 42, `exit ${code}, du_bytes ${report.du_bytes}: ${firstLine(run.err())}`);
        });
      }
    })(),
    ...['utf16le', 'utf16be'].map((encoding) =>
      check(`${encoding === 'utf16le' ? 'UTF-16 LE' : 'UTF-16 BE'} config with a BOM (PowerShell 5 >, Notepad)`, async () => {
        const file = writeConfig(path.join(work, `plugins-${encoding}.json`), [], { id: `wine-${encoding}`, encoding });
        const report = await collectReport(file);
        expect(report.agent_id === `wine-${encoding}`, `agent_id ${report.agent_id}`);
      }),
    ),
    check('a 2 MiB config is refused in one line', async () => {
      const file = path.join(work, 'huge.json');
      fs.writeFileSync(file, ' '.repeat(2 * 1024 * 1024));
      const run = cli(['validate', '--config', file]);
      const code = await run.exited;
      expect(code === 2 && /a config is at most 1 MiB/.test(run.err()), `exit ${code}: ${firstLine(run.err())}`);
      return firstLine(run.err());
    }),
  ];
  await Promise.all(oneOffs);

  // The daemons, side by side for the same reason.
  await Promise.all([
    (async () => {
      const statusFile = path.join(work, 'status.json');
      const daemon = cli(['run', '--config', config, '--status-file', statusFile], { ipc: true });
      const readStatus = () => (fs.existsSync(statusFile) ? JSON.parse(fs.readFileSync(statusFile, 'utf8')) : undefined);
      await check('run reports and status says healthy', async () => {
        await until(() => daemon.out().trim().split('\n').filter(Boolean).length >= 2, 'two reports from run');
        await until(() => readStatus()?.state === 'running', 'status file "running"');
        const status = cli(['status', '--status-file', statusFile]);
        const code = await status.exited;
        expect(code === 0, `status exit ${code}: ${firstLine(status.out() || status.err())}`);
        return firstLine(status.out());
      });

      await check("run stops on the IPC message 'shutdown' (pm2): exit 0, status stopped", async () => {
        const before = daemon.out().trim().split('\n').length;
        const sent = Date.now();
        daemon.child.send('shutdown');
        const code = await daemon.exited;
        expect(code === 0, `exit ${code}: ${firstLine(daemon.err())}`);
        expect(readStatus()?.state === 'stopped', `status file says ${readStatus()?.state}`);
        expect(/"msg":"Stopped"/.test(daemon.err()), 'no "Stopped" log line');
        return `stopped in ${Date.now() - sent} ms after ${before} reports`;
      });

      await check('status after the stop says unhealthy (exit 1)', async () => {
        const status = cli(['status', '--status-file', statusFile]);
        const code = await status.exited;
        expect(code === 1, `status exit ${code}: ${firstLine(status.out())}`);
        return firstLine(status.out());
      });
    })(),
    check("dev stops both on 'shutdown': exit 0, the hub sees a clean close", async () => {
      const devConfig = path.join(work, 'dev.json');
      fs.writeFileSync(devConfig, JSON.stringify({
        agent: { id: 'wine-dev' },
        collectors: [{ plugin: 'memory' }],
        transports: [{ plugin: 'websocket', options: { url: '${HUB_URL}', token: '${SIDECAR_TOKEN}' } }],
      }));
      const dev = cli(['dev', '--config', devConfig, '--initial-delay', '0', '--interval', '500'], { ipc: true });
      await until(() => dev.err().includes('"msg":"Identified to hub"'), 'the daemon to identify');
      dev.child.send('shutdown');
      const code = await dev.exited;
      expect(code === 0, `exit ${code}: ${firstLine(dev.err())}`);
      const closed = dev.err().split('\n').find((line) => line.includes('"msg":"Sidecar disconnected"'));
      expect(closed && JSON.parse(closed).code === 1000, `hub saw ${closed ?? 'no close'}`);
      expect(/"msg":"Stopped"/.test(dev.err()), 'the daemon did not log "Stopped"');
    }),
    check('run --watch-config reloads an edited config; status finds it through the default status file', async () => {
      const file = writeConfig(path.join(work, 'sub', 'watched.json'), [], { id: 'wine-watch' });
      const run = cli(['run', '--config', file, '--watch-config'], { ipc: true });
      try {
        await until(() => run.out().includes('"wine-watch"'), 'a report before the edit');
        writeConfig(`${file}.tmp`, ['.\\plugins\\du.js'], { id: 'wine-watch' });
        fs.renameSync(`${file}.tmp`, file);
        await until(() => run.out().includes('"du_bytes":42'), 'a report from the edited file', 30_000);
        const status = cli(['status', '--config', file]);
        const code = await status.exited;
        expect(code === 0, `status --config exit ${code}: ${firstLine(status.out() || status.err())}`);
        return firstLine(status.out());
      } finally {
        run.child.send('shutdown');
        const code = await run.exited;
        expect(code === 0, `exit ${code}`);
      }
    }),
  ]);

  fs.rmSync(C_DIR, { recursive: true, force: true });
}

main().then(
  () => process.exit(results.some((line) => line.startsWith('FAIL')) ? 1 : 0),
  (err) => {
    record('harness', false, err.stack);
    process.exit(1);
  },
);
