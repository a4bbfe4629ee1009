import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The suite's temp directory: every run gets a fresh one (a `sidecar-test-run-*` folder in the system's), made the
 * temp directory of the test workers and, through cliEnv, of every CLI process a test starts (so a daemon's
 * default status file lands there too). At the end it must be as the run found it, empty: a test that leaves a
 * folder or a status file behind fails the run, naming what it left. The folder itself is removed either way.
 */
export default function setup(): () => void {
  const systemTmp = tmpdir();
  const runTmp = mkdtempSync(path.join(systemTmp, 'sidecar-test-run-'));
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = runTmp;
  return () => {
    // Node 22+ keeps its own module compile cache there when something enables it; that is no test's leftover.
    const left = readdirSync(runTmp).filter((name) => name !== 'node-compile-cache');
    rmSync(runTmp, { recursive: true, force: true });
    if (left.length > 0) {
      // vitest reports an error thrown here but still exits 0, so the exit code is set as well.
      process.exitCode = 1;
      throw new Error(`the test suite left ${left.length} entries in its temp directory (each test must remove what it creates): ${left.sort().join(', ')}`);
    }
  };
}
