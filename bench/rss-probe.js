// RSS probe (run by bench/run.js with --expose-gc): imports the modules named in argv, optionally makes one
// fetch() to OLLAMA_URL (argument "fetch", which loads undici), collects garbage, waits for things to settle
// and prints VmRSS in MiB.
import { readFileSync } from 'node:fs';

for (const spec of process.argv.slice(2)) {
  if (spec === 'fetch') {
    const res = await fetch(`${process.env.OLLAMA_URL}/api/ps`);
    await res.json();
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
