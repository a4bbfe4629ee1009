// Reading a process's CPU time and memory from /proc (Linux only).
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** CLK_TCK is the unit of utime/stime in /proc/<pid>/stat (almost always 100 per second). */
export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * statTimes reads utime, stime, cutime and cstime of `pid` from /proc/<pid>/stat, in ms. cutime/cstime are the
 * CPU time of children the process has waited for (systeminformation may run shell commands).
 */
export function statTimes(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, so index 11.
  const tick = 1000 / CLK_TCK;
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map((v) => Number(v) * tick);
  return { utime, stime, cutime, cstime, self: utime + stime, children: cutime + cstime };
}

/**
 * schedNs sums the exact CPU time (ns, /proc/<pid>/task/<tid>/schedstat field 1) of every live thread of `pid`,
 * or returns undefined when the kernel does not expose schedstat. Threads that have exited are not counted.
 */
export function schedNs(pid) {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread exited between readdir and read
      }
    }
    return total;
  } catch {
    return undefined;
  }
}

/**
 * cpuSample is the CPU time used so far by `pid`, in ms: `precise` (schedstat of the live threads, ns resolution,
 * plus waited-for children from stat), and `stat` (utime+stime+cutime+cstime, clock-tick resolution), split
 * into `user` and `sys`.
 */
export function cpuSample(pid) {
  const stat = statTimes(pid);
  const ns = schedNs(pid);
  const statMs = stat.self + stat.children;
  return {
    precise: ns === undefined ? statMs : ns / 1e6 + stat.children,
    stat: statMs,
    user: stat.utime + stat.cutime,
    sys: stat.stime + stat.cstime,
    hasSchedstat: ns !== undefined,
  };
}

/** rssMiB reads VmRSS of `pid` from /proc/<pid>/status, in MiB. */
export function rssMiB(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) / 1024 : NaN;
}

/** machine describes the host for the results. */
export function machine() {
  let model = 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? model;
  } catch {
    // not Linux
  }
  let kernel = '';
  try {
    kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    // not Linux
  }
  let os = '';
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    // no os-release
  }
  return { model, kernel, os };
}
