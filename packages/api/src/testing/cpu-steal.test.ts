import { describe, expect, it } from 'vitest';
import { cpuStealPercent, cpuTimes } from './cpu-steal';

describe('cpuStealPercent', () => {
  it('is the stolen share of the CPU time between two readings', () => {
    expect(cpuStealPercent({ total: 1000, steal: 10 }, { total: 1400, steal: 110 })).toBe(25);
    expect(cpuStealPercent({ total: 1000, steal: 10 }, { total: 1000, steal: 10 })).toBeNull();
    expect(cpuStealPercent(null, { total: 1, steal: 0 })).toBeNull();
  });

  it.runIf(process.platform === 'linux')('reads the machine’s counters on Linux', () => {
    const t = cpuTimes();
    expect(t?.total).toBeGreaterThan(0);
    expect(t?.steal).toBeGreaterThanOrEqual(0);
  });
});
