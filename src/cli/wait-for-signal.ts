import { onStopRequest, type StopSource } from './stop-requests.js';

/** waitForStopSignal resolves with the first stop request the process receives (see onStopRequest). */
export function waitForStopSignal(): Promise<StopSource> {
  return new Promise((resolve) => {
    const stopListening = onStopRequest((source) => {
      stopListening();
      resolve(source);
    });
  });
}
