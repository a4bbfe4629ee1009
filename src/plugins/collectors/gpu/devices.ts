/** GpuDevice is one GPU as a report lists it; a value the tool could not give is null. */
export type GpuDevice = {
  readonly index: number;
  readonly name: string | null;
  readonly vram_total_bytes: number | null;
  readonly vram_used_bytes: number | null;
  readonly util_percent: number | null;
  readonly temperature_c: number | null;
};

/** GpuFields are the report fields the gpu collector owns. */
export type GpuFields = {
  readonly vram_total_bytes: number | null;
  readonly gpu_vram_used_bytes: number | null;
  readonly gpu_util_percent: number | null;
  readonly gpus: readonly GpuDevice[] | null;
};

/** NO_GPU_FIELDS are the fields when no GPU tool is installed: all null. */
export const NO_GPU_FIELDS: GpuFields = Object.freeze({
  vram_total_bytes: null,
  gpu_vram_used_bytes: null,
  gpu_util_percent: null,
  gpus: null,
});

/** sumAll adds the values, or returns null when there are none or any is null (a partial sum would be a guess). */
function sumAll(values: ReadonlyArray<number | null>): number | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  const sum = (values as number[]).reduce((a, b) => a + b, 0);
  return Number.isSafeInteger(sum) ? sum : null;
}

/**
 * gpuFields turns the devices a tool listed into report fields: VRAM totals summed over all devices (null unless
 * every device gave its value), utilisation averaged over the devices that gave one (one decimal).
 */
export function gpuFields(devices: readonly GpuDevice[]): GpuFields {
  const utils = devices.map((d) => d.util_percent).filter((u): u is number => u !== null);
  const mean = utils.length ? Math.round((utils.reduce((a, b) => a + b, 0) / utils.length) * 10) / 10 : null;
  return {
    vram_total_bytes: sumAll(devices.map((d) => d.vram_total_bytes)),
    gpu_vram_used_bytes: sumAll(devices.map((d) => d.vram_used_bytes)),
    gpu_util_percent: mean,
    gpus: devices,
  };
}
