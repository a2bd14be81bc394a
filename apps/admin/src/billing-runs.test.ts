import { describe, expect, it } from 'vitest';
import { isSettled, progressPercent, todayIso } from './billing-runs';

describe('billing runs', () => {
  it('is settled once completed or failed', () => {
    expect(isSettled({ status: 'QUEUED' })).toBe(false);
    expect(isSettled({ status: 'RUNNING' })).toBe(false);
    expect(isSettled({ status: 'COMPLETED' })).toBe(true);
    expect(isSettled({ status: 'FAILED' })).toBe(true);
  });

  it('shows progress in whole percent, never above 100, 0 while the total is unknown', () => {
    expect(progressPercent({ status: 'QUEUED', progressDone: 0, progressTotal: 0 })).toBe(0);
    expect(progressPercent({ status: 'RUNNING', progressDone: 1, progressTotal: 3 })).toBe(33);
    expect(progressPercent({ status: 'RUNNING', progressDone: 5, progressTotal: 3 })).toBe(100);
    expect(progressPercent({ status: 'COMPLETED', progressDone: 0, progressTotal: 0 })).toBe(100);
  });

  it("gives today's local date as YYYY-MM-DD", () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
