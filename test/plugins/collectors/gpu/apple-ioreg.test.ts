import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appleIoregSource, IOREG, parseAppleIoreg, parseWiredLimit, SYSCTL, WIRED_LIMIT_ARGS } from '../../../../src/plugins/collectors/gpu/apple-ioreg.js';
import { IoregData, parseIoregText, parseValue } from '../../../../src/plugins/collectors/gpu/ioreg-text.js';
import { ToolNotFoundError, type RunTool } from '../../../../src/plugins/collectors/shared/run-tool.js';

const M4 = readFileSync(new URL('./fixtures/apple-m4/ioreg.txt', import.meta.url), 'utf8');
const never = () => new AbortController().signal;
const entry = (name: string, ...properties: string[]) =>
  `+-o ${name}  <class ${name}, id 0x1, registered, matched, active, busy 0 (1 ms), retain 9>\n    {\n${properties.map((p) => `      ${p}\n`).join('')}    }\n    \n`;

describe('parseIoregText', () => {
  it('reads the real M4 entry: class, nested dictionaries and lists, data, Yes/No, empty values', () => {
    const [node, ...rest] = parseIoregText(M4);
    expect(rest).toEqual([]);
    expect(node!.name).toBe('AGXAcceleratorG16G');
    expect(node!.className).toBe('AGXAcceleratorG16G');
    const p = node!.properties;
    expect(p['model']).toBe('Apple M4');
    expect(p['gpu-core-count']).toBe(10);
    expect(p['IOMatchedAtBoot']).toBe(true);
    expect(p['vendor-id']).toEqual(new IoregData('6b100000'));
    expect(p['SurfaceList']).toEqual([]);
    expect(p['SCMBuildTime']).toBe('');
    expect(p['IONameMatch']).toHaveLength(6);
    expect(p['GPUConfigurationVariable']).toMatchObject({ num_cores: 10, gpu_var: 'G', core_mask_list: [1023] });
    expect(p['SchedulerState']).toMatchObject({ BusyWorkQueues: [{ submit: [104077551360], aborted: false, state: 'Idle' }, { id: 26 }] });
    expect(p['PerformanceStatistics']).toMatchObject({ 'Device Utilization %': 17, 'In use system memory': 430571520, 'Alloc system memory': 4597121024 });
  });

  it('keeps integers beyond 2^53 exact, as bigints', () => {
    expect(parseValue('18446744071562067968')).toBe(18446744071562067968n);
    expect(parseValue('{"AGXParameterBufferMaxSize"=18446744071562067968}')).toEqual({ AGXParameterBufferMaxSize: 18446744071562067968n });
  });

  it('reads an IOReportLegend: lists of lists holding the names of channels', () => {
    const legend = '({"IOReportChannels"=((5644784279684675442,8590065666,"In use system memory")),"IOReportGroupName"="GPU","IOReportChannelInfo"={"IOReportChannelUnit"=0}})';
    expect(parseValue(legend)).toEqual([
      { IOReportChannels: [[5644784279684675442n, 8590065666, 'In use system memory']], IOReportGroupName: 'GPU', IOReportChannelInfo: { IOReportChannelUnit: 0 } },
    ]);
  });

  it('reads data holding a string as that string (an Intel Mac\'s model), spaces around "=" and strings holding braces', () => {
    expect(parseValue('<"Intel(R) UHD Graphics 630">')).toBe('Intel(R) UHD Graphics 630');
    expect(parseValue('{"a" = 1, "b"="} not the end"}')).toEqual({ a: 1, b: '} not the end' });
  });

  it('leaves out a property cut short (a line truncated with $, an open dictionary) and keeps the rest', () => {
    const text = entry('X', '"PerformanceStatistics" = {"Device Utilization %"=8', '"IOReportLegend" = ({"IOReportGroupName"="Cursor",$', '"model" = "Y"');
    expect(parseIoregText(text)).toEqual([{ name: 'X', className: 'X', properties: { model: 'Y' } }]);
  });

  it('reads entries printed inside a tree (lines prefixed with |), and nothing from empty output', () => {
    expect(parseIoregText('    | +-o A  <class B, id 0x2>\n    | |   "k" = 1\n')).toEqual([{ name: 'A', className: 'B', properties: { k: 1 } }]);
    expect(parseIoregText('+-o Apple Internal Keyboard / Trackpad  <class AppleDeviceManagementHIDEventService, id 0x3>\n')[0]).toMatchObject({
      name: 'Apple Internal Keyboard / Trackpad',
      className: 'AppleDeviceManagementHIDEventService',
    });
    expect(parseIoregText('')).toEqual([]);
  });
});

describe('parseAppleIoreg', () => {
  it('reads the M4: utilisation and memory in use from PerformanceStatistics, no total without a wired limit', () => {
    expect(parseAppleIoreg(M4, null)).toEqual([
      { index: 0, name: 'Apple M4', vram_total_bytes: null, vram_used_bytes: 430571520, util_percent: 17, temperature_c: null },
    ]);
    expect(parseAppleIoreg(M4, 24576)[0]!.vram_total_bytes).toBe(24576 * 1024 * 1024);
  });

  it('reads exact keys: not the "(driver)" reading, not Tiler or Renderer, not a legend channel name', () => {
    const legend = '"IOReportLegend" = ({"IOReportChannels"=((1,2,"In use system memory"),(3,4,"Device Utilization %"))})';
    const stats = '"PerformanceStatistics" = {"In use system memory (driver)"=5,"Renderer Utilization %"=40,"Tiler Utilization %"=41,"In use system memory"=7}';
    expect(parseAppleIoreg(entry('AGXAcceleratorG17X', legend, stats), null)).toEqual([
      { index: 0, name: null, vram_total_bytes: null, vram_used_bytes: 7, util_percent: null, temperature_c: null },
    ]);
  });

  it('skips entries without PerformanceStatistics; a total only where exactly one GPU is listed', () => {
    const gpu = (util: number) => entry('G', `"PerformanceStatistics" = {"Device Utilization %"=${util}}`);
    expect(parseAppleIoreg(entry('Helper', '"IOClass" = "IOAccelerator"'), 100)).toEqual([]);
    const two = parseAppleIoreg(gpu(50) + entry('Helper') + gpu(10), 100);
    expect(two.map((d) => [d.index, d.util_percent, d.vram_total_bytes])).toEqual([[0, 50, null], [1, 10, null]]);
    expect(parseAppleIoreg('', 100)).toEqual([]);
  });

  it('refuses a value that is there but not a whole number in range, naming the entry and key', () => {
    const stats = (v: string) => entry('AGXAcceleratorG16G', `"PerformanceStatistics" = {"Device Utilization %"=${v}}`);
    expect(() => parseAppleIoreg(stats('101'), null)).toThrow('AGXAcceleratorG16G: "Device Utilization %": expected a whole number from 0 to 100, got 101');
    expect(() => parseAppleIoreg(stats('"7"'), null)).toThrow(/"Device Utilization %": expected a whole number/);
    const huge = entry('G', '"PerformanceStatistics" = {"In use system memory"=18446744071562067968}');
    expect(() => parseAppleIoreg(huge, null)).toThrow(/"In use system memory": expected a whole number .* got "18446744071562067968"/);
  });
});

describe('parseWiredLimit', () => {
  it('is MiB when an operator set one, null for 0 (not set) or anything else', () => {
    expect(parseWiredLimit('40960\n')).toBe(40960);
    expect(parseWiredLimit('0\n')).toBeNull();
    expect(parseWiredLimit('')).toBeNull();
    expect(parseWiredLimit('sysctl: unknown oid')).toBeNull();
  });
});

describe('appleIoregSource', () => {
  const answering = (answers: Record<string, () => Promise<string>>): RunTool => (command) => answers[command]!();

  it('runs ioreg and sysctl by absolute path; a sysctl without the key is no total, not a failure', async () => {
    const calls: string[] = [];
    const run: RunTool = (command, args) => {
      calls.push([command, ...args].join(' '));
      return command === IOREG ? Promise.resolve(M4) : Promise.reject(new Error(`${SYSCTL}: exited with code 1: sysctl: unknown oid 'iogpu.wired_limit_mb'`));
    };
    expect(await appleIoregSource(run).read(never())).toEqual(parseAppleIoreg(M4, null));
    expect(calls).toEqual(['/usr/sbin/ioreg -r -d 1 -w 0 -c IOAccelerator', `/usr/sbin/sysctl ${WIRED_LIMIT_ARGS.join(' ')}`]);
  });

  it('is absent without ioreg, and fails with one line on output it cannot read', async () => {
    expect(await appleIoregSource(answering({ [IOREG]: () => Promise.reject(new ToolNotFoundError(IOREG)) })).read(never())).toBeUndefined();
    const bad = entry('G', '"PerformanceStatistics" = {"Device Utilization %"=250}');
    const run = answering({ [IOREG]: () => Promise.resolve(bad), [SYSCTL]: () => Promise.resolve('0') });
    await expect(appleIoregSource(run).read(never())).rejects.toThrow(/^\/usr\/sbin\/ioreg: unexpected output: G: "Device Utilization %": expected/);
  });

  it('fails when the deadline passes during sysctl, rather than reporting no total', async () => {
    const controller = new AbortController();
    const run = answering({
      [IOREG]: () => Promise.resolve(M4),
      [SYSCTL]: () => (controller.abort(), Promise.reject(new Error(`${SYSCTL}: timed out`))),
    });
    await expect(appleIoregSource(run).read(controller.signal)).rejects.toThrow('timed out');
  });
});
