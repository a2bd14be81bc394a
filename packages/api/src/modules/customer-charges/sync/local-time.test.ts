import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dueLocalDate,
  instantOfLocal,
  isValidTimeZone,
  localDate,
  localDateTime,
  nextLocalTime,
  zoneOffsetMs,
} from './local-time';

const SEVEN = 7 * 60;
const iso = (d: Date) => d.toISOString();

describe('nextLocalTime: the next 07:00 in a zone', () => {
  it.each([
    // Europe/Berlin: CET (+1) → CEST (+2) on 2026-03-29 at 02:00; back on 2026-10-25 at 03:00.
    ['Europe/Berlin', '2026-03-28T05:59:59Z', '2026-03-28T06:00:00.000Z'],
    ['Europe/Berlin', '2026-03-28T06:00:00Z', '2026-03-29T05:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29T01:30:00Z', '2026-03-29T05:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29T05:00:00Z', '2026-03-30T05:00:00.000Z'],
    ['Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-25T06:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T00:30:00Z', '2026-10-25T06:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25T06:00:00Z', '2026-10-26T06:00:00.000Z'],
    // America/New_York: EST (−5) → EDT (−4) on 2026-03-08 at 02:00; back on 2026-11-01 at 02:00.
    ['America/New_York', '2026-03-07T13:00:00Z', '2026-03-08T11:00:00.000Z'],
    ['America/New_York', '2026-03-08T06:59:00Z', '2026-03-08T11:00:00.000Z'],
    ['America/New_York', '2026-03-08T11:00:00Z', '2026-03-09T11:00:00.000Z'],
    ['America/New_York', '2026-10-31T11:30:00Z', '2026-11-01T12:00:00.000Z'],
    ['America/New_York', '2026-11-01T05:30:00Z', '2026-11-01T12:00:00.000Z'],
    ['America/New_York', '2026-11-01T12:00:00Z', '2026-11-02T12:00:00.000Z'],
    // No DST, odd offsets, the far side of the date line.
    // 22:00Z is exactly 07:00 in Tokyo: strictly after it is the next day's.
    ['Asia/Tokyo', '2026-06-30T22:00:00Z', '2026-07-01T22:00:00.000Z'],
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z', '2026-01-01T01:15:00.000Z'],
    ['Pacific/Kiritimati', '2026-01-01T00:00:00Z', '2026-01-01T17:00:00.000Z'],
    ['UTC', '2026-02-28T07:00:00Z', '2026-03-01T07:00:00.000Z'],
  ])('%s after %s → %s', (zone, at, expected) => {
    expect(iso(nextLocalTime(new Date(at), zone, SEVEN))).toBe(expected);
  });

  it('always lands on 07:00 local, strictly later, within 25 hours (property, several zones)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (zone, ms) => {
          const at = new Date(ms);
          const next = nextLocalTime(at, zone, SEVEN);
          expect(next.getTime()).toBeGreaterThan(ms);
          expect(next.getTime() - ms).toBeLessThanOrEqual(25 * 3_600_000);
          expect(localDateTime(next, zone).minutes).toBe(SEVEN);
          // Nothing in between shows 07:00 on another day: the next one is the one after it.
          expect(nextLocalTime(new Date(next.getTime() - 1), zone, SEVEN).getTime()).toBe(next.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('localDate and instantOfLocal', () => {
  it('gives the local date across midnight and DST', () => {
    expect(localDate(new Date('2026-03-29T22:30:00Z'), 'Europe/Berlin')).toBe('2026-03-30');
    expect(localDate(new Date('2026-03-29T21:59:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDate(new Date('2026-11-01T04:30:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(localDate(new Date('2026-11-01T03:59:00Z'), 'America/New_York')).toBe('2026-10-31');
    expect(localDateTime(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toEqual({
      date: '2026-11-01',
      minutes: 60 + 30,
    });
  });

  it('moves a local time in the spring gap forward, takes the first of a repeated one', () => {
    // 02:30 does not exist in New York on 2026-03-08: 03:30 EDT.
    expect(iso(instantOfLocal('2026-03-08', 150, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 2026-11-01: the first (EDT).
    expect(iso(instantOfLocal('2026-11-01', 90, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(zoneOffsetMs(Date.UTC(2026, 6, 1), 'Europe/Berlin')).toBe(7_200_000);
  });

  it('knows which zones are valid', () => {
    expect(isValidTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('dueLocalDate', () => {
  const zone = 'Europe/Berlin';
  it('is due from 07:00 local until that date has a run', () => {
    expect(dueLocalDate(new Date('2026-03-29T04:59:00Z'), zone, null)).toBeNull();
    expect(dueLocalDate(new Date('2026-03-29T05:00:00Z'), zone, null)).toBe('2026-03-29');
    expect(dueLocalDate(new Date('2026-03-29T05:00:00Z'), zone, '2026-03-28')).toBe('2026-03-29');
    expect(dueLocalDate(new Date('2026-03-29T21:00:00Z'), zone, '2026-03-29')).toBeNull();
    // After local midnight, before 07:00: not yet.
    expect(dueLocalDate(new Date('2026-03-29T23:00:00Z'), zone, '2026-03-29')).toBeNull();
  });
});
