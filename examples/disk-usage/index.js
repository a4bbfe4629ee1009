/**
 * sidecar-plugin-disk-usage: an llm-sidecar collector that reports disk usage of the filesystems holding the
 * configured paths. Plain JavaScript, no dependencies: the manifest is a default-exported object and the
 * options schema is a hand-written Standard Schema (https://standardschema.dev).
 */
import { stat, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';

const OPTION_KEYS = ['paths'];

/** optionsSchema checks `{ paths?: string[] }` and fills the default `['/']`. Relative paths are resolved later. */
export const optionsSchema = {
  '~standard': {
    version: 1,
    vendor: 'sidecar-plugin-disk-usage',
    validate(input) {
      const options = input ?? {};
      if (typeof options !== 'object' || Array.isArray(options)) return { issues: [{ message: 'options must be an object' }] };
      const issues = [];
      for (const key of Object.keys(options)) {
        if (!OPTION_KEYS.includes(key)) issues.push({ message: `unknown option (known: ${OPTION_KEYS.join(', ')})`, path: [key] });
      }
      const paths = options.paths ?? ['/'];
      if (!Array.isArray(paths) || paths.length === 0) {
        issues.push({ message: 'must be a non-empty list of paths', path: ['paths'] });
      } else {
        paths.forEach((path, index) => {
          if (typeof path !== 'string' || path === '') issues.push({ message: 'must be a non-empty string', path: ['paths', index] });
        });
      }
      return issues.length > 0 ? { issues } : { value: { paths: [...new Set(paths)] } };
    },
  },
};

/** readDisk reads one path's filesystem: sizes in bytes, and the device id that tells filesystems apart. */
export async function readDisk(path) {
  const [fs, info] = await Promise.all([statfs(path), stat(path)]);
  const total = fs.blocks * fs.bsize;
  return {
    device: info.dev,
    disk: { path, total_bytes: total, used_bytes: (fs.blocks - fs.bfree) * fs.bsize, free_bytes: fs.bavail * fs.bsize },
  };
}

/**
 * createDiskUsage makes the collector. `read` is a seam for tests. Paths that cannot be read are reported
 * with null sizes; the warning is logged when a path starts failing, not on every cycle.
 */
export function createDiskUsage(ctx, read = readDisk) {
  const paths = ctx.options.paths.map((path) => resolve(ctx.configDir, path));
  const failing = new Set();
  return {
    async collect(signal) {
      const results = await Promise.allSettled(paths.map((path) => read(path)));
      signal.throwIfAborted();
      const disks = [];
      const devices = new Set();
      let used = 0;
      let total = 0;
      results.forEach((result, index) => {
        const path = paths[index];
        if (result.status === 'rejected') {
          if (!failing.has(path)) ctx.logger.warn({ path, reason: result.reason?.message }, 'Cannot read disk usage');
          failing.add(path);
          disks.push({ path, total_bytes: null, used_bytes: null, free_bytes: null });
          return;
        }
        if (failing.delete(path)) ctx.logger.info({ path }, 'Disk usage readable again');
        const { device, disk } = result.value;
        disks.push(disk);
        // Two paths on one filesystem count once in the totals.
        if (devices.has(device)) return;
        devices.add(device);
        used += disk.used_bytes;
        total += disk.total_bytes;
      });
      const any = devices.size > 0;
      return { disk_used_bytes: any ? used : null, disk_total_bytes: any ? total : null, disks };
    },
  };
}

/** The manifest: what the sidecar loads from `"plugin": "sidecar-plugin-disk-usage"`. */
export default {
  apiVersion: 1,
  kind: 'collector',
  name: 'disk-usage',
  version: '1.0.0',
  description: 'Disk used and total bytes of the filesystems holding the configured paths, and per-path detail.',
  fields: ['disk_used_bytes', 'disk_total_bytes', 'disks'],
  options: optionsSchema,
  create: (ctx) => createDiskUsage(ctx),
};
