import { Sidecar } from '../../core/sidecar.js';
import { guardProcess } from '../guard-process.js';
import { setup } from '../setup.js';

/** collectCommand runs every enabled collector once and prints one report as JSON on stdout. */
export async function collectCommand(opts: { config?: string; pretty?: boolean }): Promise<void> {
  const { config, logger, builtins } = await setup(opts.config);
  guardProcess(logger);
  const sidecar = await Sidecar.create({ config, logger, builtins, startTransports: false });
  try {
    const report = await sidecar.collectOnce();
    process.stdout.write(`${JSON.stringify(report, null, opts.pretty ? 2 : undefined)}\n`);
  } finally {
    await sidecar.stop(0);
  }
}
