import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isIsoDate } from './date';

describe('formatDate', () => {
  it('formats a calendar day without shifting it by a time zone', () => {
    expect(formatDate('2026-03-05', { locale: 'en-US' })).toBe('Mar 5, 2026');
    expect(formatDate('2026-01-01', { locale: 'en-US', style: 'short' })).toBe('1/1/26');
    expect(formatDate('2026-12-31', { locale: 'de-DE', style: 'long' })).toBe('31. Dezember 2026');
  });

  it('refuses what is not a real YYYY-MM-DD day', () => {
    expect(() => formatDate('2026-02-30')).toThrow(RangeError);
    expect(() => formatDate('05/03/2026')).toThrow(RangeError);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
  });
});

describe('formatDateTime', () => {
  it('shows an instant in the given time zone', () => {
    expect(formatDateTime('2026-03-05T23:30:00Z', { locale: 'en-US', timeZone: 'UTC' })).toBe(
      'Mar 5, 2026, 11:30 PM',
    );
    expect(formatDateTime('2026-03-05T23:30:00Z', { locale: 'en-US', timeZone: 'Asia/Tokyo' })).toBe(
      'Mar 6, 2026, 8:30 AM',
    );
    expect(() => formatDateTime('yesterday')).toThrow(RangeError);
  });
});
