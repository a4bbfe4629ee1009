import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { closeAll, serve } from '../helpers/http-server.js';

// Every JavaScript and TypeScript example in docs/PLUGINS.md names its file on its first line (`// uptime.mjs`);
// each is written out as that file and run (TypeScript is type-checked first, against the real plugin types).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(path.join(ROOT, 'docs/PLUGINS.md'), 'utf8');
const blocks = [...DOC.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, code]) => ({ lang: lang!, code: code!, name: /^\/\/ (\S+)/.exec(code!)?.[1] }));
const named = (name: string) => {
  const block = blocks.find((b) => b.name === name);
  if (!block) throw new Error(`docs/PLUGINS.md has no example named ${name}`);
  return block.code;
};

const dir = mkdtempSync(path.join(tmpdir(), 'sidecar-plugins-doc-'));
writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAll();
});

function write(name: string, code: string): string {
  const file = path.join(dir, name.replace(/\//g, '-'));
  writeFileSync(file, code);
  return file;
}

describe('docs/PLUGINS.md examples', () => {
  it('are all named, and every JSON example parses', () => {
    const code = blocks.filter((b) => b.lang === 'js' || b.lang === 'ts');
    expect(code.map((b) => b.name)).toEqual(['uptime.mjs', 'the-contract.ts', 'options-zod.mjs', 'options-standard.mjs', 'test/disk-usage.test.mjs', 'gpu-exporter.ts']);
    for (const block of blocks.filter((b) => b.lang === 'json')) expect(() => JSON.parse(block.code), block.code).not.toThrow();
  });

  it('the smallest plugin reports its field through `sidecar collect`', async () => {
    write('uptime.mjs', named('uptime.mjs'));
    const config = blocks[blocks.findIndex((b) => b.name === 'uptime.mjs') + 1]!;
    expect(config.lang).toBe('json');
    const run = await runCli(['collect', '--config', write('plugins.json', config.code)], { env: cliEnv({ LOG_LEVEL: 'warn' }) });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ uptime_seconds: expect.any(Number), cpu_percent: expect.any(Number) });
  });

  it('the option schemas fill defaults and refuse junk', async () => {
    const zodUrl = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href;
    const zod = (await import(write('options-zod.mjs', named('options-zod.mjs').replace("'zod'", `'${zodUrl}'`)))) as { options: any };
    expect(await zod.options['~standard'].validate({})).toMatchObject({ value: { url: 'http://127.0.0.1:9400/metrics' } });
    expect((await zod.options['~standard'].validate({ ulr: 'x' })).issues).toHaveLength(1);
    const standard = (await import(write('options-standard.mjs', named('options-standard.mjs')))) as { options: any };
    expect(standard.options['~standard'].validate(undefined)).toEqual({ value: { paths: ['/'] } });
    expect(standard.options['~standard'].validate({ paths: '/' }).issues).toHaveLength(1);
  });

  it('the plugin test runs against the disk-usage example', async () => {
    const example = pathToFileURL(path.join(ROOT, 'examples/disk-usage/index.js')).href;
    const code = `${named('test/disk-usage.test.mjs').replace("'../index.js'", `'${example}'`)}\nexport { report };\n`;
    const { report } = (await import(write('disk-usage-test.mjs', code))) as { report: Record<string, unknown> };
    expect(report.disk_total_bytes ?? report.disks).toBeDefined();
  });

  it('the TypeScript examples type-check against llm-sidecar/plugin, and the plugin runs', async () => {
    const files = ['the-contract.ts', 'gpu-exporter.ts'].map((name) => write(name, named(name)));
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      paths: { 'llm-sidecar/plugin': [path.join(ROOT, 'src/plugin.ts')] },
      skipLibCheck: true,
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);

    const js = ts.transpileModule(named('gpu-exporter.ts'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    expect(js).not.toContain('llm-sidecar');
    const { default: plugin } = (await import(write('gpu-exporter.mjs', js))) as { default: any };
    const url = await serve((_req, res) => void res.end('# a metrics page\ngpu_vram_used_bytes 123456\n'));
    const checked = await plugin.options['~standard'].validate({ url });
    expect(checked).toEqual({ value: { url } });
    expect((await plugin.options['~standard'].validate({ urll: url })).issues).toEqual([{ message: 'unknown key', path: ['urll'] }]);
    const collector = await plugin.create({ options: checked.value });
    expect(await collector.collect(new AbortController().signal)).toEqual({ vram_used_bytes: 123456 });
  }, 120_000); // a type-check loads the TypeScript compiler and the Node types: seconds, more on a busy machine
});
