// RSS probe (run by bench/run.js with --expose-gc, with and without --no-opt): imports the modules named in
// argv, optionally makes one fetch() to OLLAMA_URL (argument "fetch", which loads undici), collects garbage,
// waits for things to settle and prints VmRSS in MiB. "require:NAME" loads NAME with require() instead of
// import(): the same code, but a CommonJS package is then not scanned by Node's CommonJS export lexer, which
// runs when an ES module imports one. "hot" runs one small function until V8's optimizing compiler takes it:
// what the compiler's first use costs, whatever the code.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

for (const spec of process.argv.slice(2)) {
  if (spec === 'fetch') {
    const res = await fetch(`${process.env.OLLAMA_URL}/api/ps`);
    await res.json();
  } else if (spec === 'hot') {
    let x = 0;
    const step = (v) => (v * 31 + 7) % 1000003;
    for (let i = 0; i < 3e6; i++) x = step(x);
    globalThis.hotResult = x;
  } else if (spec.startsWith('require:')) {
    createRequire(import.meta.url)(spec.slice('require:'.length));
  } else {
    await import(spec.startsWith('.') ? new URL(spec, import.meta.url).href : spec);
  }
}
setTimeout(() => {
  globalThis.gc?.();
  globalThis.gc?.();
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  process.stdout.write(`${JSON.stringify({ rss_mib: kb / 1024, heap_used_mib: process.memoryUsage().heapUsed / 2 ** 20 })}\n`);
  process.exit(0);
}, 700);
