import { readFileSync } from 'node:fs';

/** The machine's CPU time so far (all cores), in clock ticks: all of it, and what was stolen. */
export interface CpuTimes {
  total: number;
  steal: number;
}

/**
 * Reads /proc/stat's `cpu` line (Linux; null elsewhere). `steal` is time a virtual machine's
 * cores were ready to run but the hypervisor ran another guest: benchmarks report it, since on
 * a busy host it takes a share of every figure measured in seconds that nothing in the code explains.
 */
export function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((n) => !Number.isFinite(n))) return null;
    return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] ?? 0 };
  } catch {
    return null;
  }
}

/** The share of CPU time stolen between two readings, as a percentage (null when unknown). */
export function cpuStealPercent(from: CpuTimes | null, to: CpuTimes | null = cpuTimes()): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return Math.round(((to.steal - from.steal) / (to.total - from.total)) * 1000) / 10;
}
