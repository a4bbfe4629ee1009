/** SHUTDOWN_MESSAGE is the IPC message that asks for a clean stop: what pm2 sends with `shutdown_with_message`. */
export const SHUTDOWN_MESSAGE = 'shutdown';

/**
 * stopSignals are the signals that mean "stop cleanly" on `platform`. On Windows SIGBREAK is Ctrl-Break and
 * SIGHUP is the console window closing (the process is killed a few seconds later whatever it does), so both
 * stop; SIGTERM is listed for `process.kill` from Node, though taskkill never sends it.
 */
export function stopSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP'] : ['SIGINT', 'SIGTERM'];
}

/** reloadSignals are the signals that mean "re-read the config": SIGHUP, except on Windows, where it means closing. */
export function reloadSignals(platform: NodeJS.Platform = process.platform): NodeJS.Signals[] {
  return platform === 'win32' ? [] : ['SIGHUP'];
}

/** StopSource names what asked for a stop: a signal, or the IPC shutdown message. */
export type StopSource = NodeJS.Signals | typeof SHUTDOWN_MESSAGE;

/**
 * onStopRequest calls `handler` for every stop request: each stop signal, and the IPC message 'shutdown' when
 * the process was started with an IPC channel (pm2's fork mode, `sidecar dev`, a test's `fork`). Listening does
 * not keep the process alive because of that channel. It returns a function that stops listening.
 */
export function onStopRequest(handler: (source: StopSource) => void, platform: NodeJS.Platform = process.platform): () => void {
  const signals = stopSignals(platform);
  for (const signal of signals) process.on(signal, handler);
  const onMessage = (message: unknown) => {
    if (message === SHUTDOWN_MESSAGE) handler(SHUTDOWN_MESSAGE);
  };
  if (process.send) {
    process.on('message', onMessage);
    // A 'message' listener refs the channel, which would keep a finished command alive until its parent lets go.
    process.channel?.unref();
  }
  return () => {
    for (const signal of signals) process.off(signal, handler);
    process.off('message', onMessage);
  };
}
