'use strict';
// What else the machine is doing while a benchmark measures: CPU time of given processes and of everything else,
// read from /proc (Linux). Benchmarks print the other-CPU share beside each figure, so a number taken on a busy
// machine says so.
const { readFileSync } = require('node:fs');
const { cpus } = require('node:os');
const { spawnSync } = require('node:child_process');

const ticksPerSecond = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(out.stdout?.trim()) || 100;
})();

/** utime + stime of a process, in clock ticks; 0 when it is gone. */
const processTicks = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: it ends at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
};

/** Busy ticks of the whole machine (every CPU), from the first line of /proc/stat. */
const machineBusyTicks = () => {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = values;
  return user + nice + system + irq + softirq + steal;
};

const residentBytes = (pid) => {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
};

/**
 * Starts a CPU sample over `pids` (the benchmark's own processes; this process is always included). `end()`
 * gives each pid's CPU seconds and the share of the whole machine that other processes used meanwhile.
 */
const sampleCpu = (pids) => {
  const all = [process.pid, ...pids];
  const start = { at: process.hrtime.bigint(), busy: machineBusyTicks(), own: all.map(processTicks) };
  return {
    end() {
      const seconds = Number(process.hrtime.bigint() - start.at) / 1e9;
      const own = all.map(processTicks).map((ticks, i) => ticks - start.own[i]);
      const busy = machineBusyTicks() - start.busy;
      const ours = own.reduce((sum, ticks) => sum + ticks, 0);
      const capacity = seconds * ticksPerSecond * cpus().length;
      return {
        seconds,
        cpuSeconds: Object.fromEntries(all.map((pid, i) => [pid, own[i] / ticksPerSecond])),
        otherShare: capacity > 0 ? Math.max(0, busy - ours) / capacity : 0,
      };
    },
  };
};

module.exports = { sampleCpu, processTicks, residentBytes, ticksPerSecond };
