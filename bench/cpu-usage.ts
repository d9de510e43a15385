/**
 * Where the CPU time of a benchmark phase went, read from Linux's /proc: the whole machine's busy
 * share, PostgreSQL's server processes and the worker processes. No library reads /proc's
 * per-process and machine counters together; this is a few lines over two documented formats.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's counters (USER_HZ: 100 on Linux's mainstream architectures). */
const TICKS_PER_SECOND = 100;

/** Counters at one moment. */
export interface CpuSample {
  at: number;
  machineBusyTicks: number;
  machineTotalTicks: number;
  postgresTicks: number;
  workerTicks: number;
}

/** CPU time between two samples. */
export interface CpuUsage {
  /** Busy share of all the machine's cores, 0–1. */
  machineBusy: number;
  /** Core-seconds used by PostgreSQL's processes (backends that ended included). */
  postgresCoreSeconds: number;
  /** Core-seconds used by the worker processes. */
  workerCoreSeconds: number;
  /** Core-seconds the machine was busy with anything. */
  machineBusyCoreSeconds: number;
}

/** A process's CPU ticks, with those of its children that ended (PostgreSQL's backends end into the postmaster's). */
function processTicks(pid: string): { comm: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ": state is field 3; utime, stime, cutime, cstime are fields 14 to 17 (proc(5)).
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ticks: utime! + stime! + cutime! + cstime! };
  } catch {
    return undefined;
  }
}

/** The machine's, PostgreSQL's and the given worker processes' CPU counters now. */
export function sampleCpu(workerPids: readonly number[]): CpuSample {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = values.slice(0, 8).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3]! + ticks[4]!;
  let postgresTicks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const p = processTicks(pid);
    if (p && (p.comm === 'postgres' || p.comm.startsWith('postgres:'))) postgresTicks += p.ticks;
  }
  const workerTicks = workerPids.reduce((sum, pid) => sum + (processTicks(String(pid))?.ticks ?? 0), 0);
  return { at: performance.now(), machineBusyTicks: total - idle, machineTotalTicks: total, postgresTicks, workerTicks };
}

/** What was used between `before` and `after`. */
export function cpuUsageBetween(before: CpuSample, after: CpuSample): CpuUsage {
  const total = after.machineTotalTicks - before.machineTotalTicks;
  const busy = after.machineBusyTicks - before.machineBusyTicks;
  return {
    machineBusy: total > 0 ? busy / total : 0,
    machineBusyCoreSeconds: busy / TICKS_PER_SECOND,
    postgresCoreSeconds: Math.max(0, after.postgresTicks - before.postgresTicks) / TICKS_PER_SECOND,
    workerCoreSeconds: Math.max(0, after.workerTicks - before.workerTicks) / TICKS_PER_SECOND,
  };
}
