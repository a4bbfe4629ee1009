// pm2 process file for the sidecar, for hosts that already run their agent under pm2 (AgentCom's own sidecar
// does, on Windows through pm2-installer's service). From the checkout, after `npm ci`:
//
//   pm2 start deploy/ecosystem.config.cjs && pm2 save
//
// HUB_URL, SIDECAR_TOKEN and OLLAMA_URL come from the environment `pm2 start` runs in (pm2 passes it on, and
// `pm2 save` keeps it in PM2_HOME's dump file), or from plugins.json itself. See README "Running in production".
'use strict';

const path = require('node:path');

// The checkout this file sits in, so the definition works wherever the checkout is (C:\sidecar, /opt/sidecar).
const root = path.resolve(__dirname, '..');

module.exports = {
  apps: [
    {
      // Not "sidecar": the hub's own sidecar may already be a pm2 app of that name on the same host.
      name: 'llm-sidecar',
      script: path.join(root, 'dist', 'cli.js'),
      args: ['run'],
      // V8's optimizing compiler costs this daemon about 6 MiB for no measurable speed (bench/FINDINGS.md, 2b/2c).
      node_args: ['--no-opt'],
      cwd: root,
      exec_mode: 'fork',
      instances: 1,
      // On Windows a signal cannot be delivered to a pm2 child (pm2 would `taskkill /F` it at once, losing the
      // buffered reports): pm2 sends the IPC message 'shutdown' instead, which `sidecar run` answers with a
      // clean stop, exit 0, as it does SIGINT/SIGTERM elsewhere.
      shutdown_with_message: true,
      // pm2's default (1.6 s) is shorter than the sidecar's own stop: up to 1.5 s of flushing, at most 3 s in
      // all (then it exits 1 by itself). 10 s is systemd's backstop in deploy/sidecar.service too.
      kill_timeout: 10_000,
      autorestart: true,
      // A failure (a config error, exit 2, included) is retried after 1 s, then 1.5 times longer each time up to
      // pm2's 15 s cap; pm2 resets the delay once the sidecar has stayed up 30 s. Fixing the file is enough.
      exp_backoff_restart_delay: 1000,
      // Exit 0 is a stop someone asked for (a signal sent outside pm2): not restarted, as under systemd.
      stop_exit_codes: [0],
      // Logs are pino JSON lines that carry their own time; one file per stream in PM2_HOME/logs, rotated by
      // pm2-logrotate where pm2-installer set it up. `pm2 logs llm-sidecar` follows them.
      merge_logs: true,
      time: false,
      env: {
        NODE_ENV: 'production',
        SIDECAR_CONFIG: process.env.SIDECAR_CONFIG || path.join(root, 'plugins.json'),
        // SIDECAR_STATUS_FILE is deliberately not set: the default (sidecar-<agent id>.status.json in
        // %ProgramData%\sidecar on Windows, /tmp on macOS) is where `sidecar status` looks for it.
      },
    },
  ],
};
