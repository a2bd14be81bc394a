import { describe, expect, it } from 'vitest';
import { fileNameFrom } from '../download';
import { localToday, monthToDate } from './api';

describe('balance and statement helpers', () => {
  it('defaults the statement to the month so far', () => {
    expect(monthToDate('2026-11-22')).toEqual({ from: '2026-11-01', to: '2026-11-22' });
    expect(localToday(new Date(2026, 0, 5, 12))).toBe('2026-01-05');
  });

  it('takes the download name from Content-Disposition', () => {
    expect(fileNameFrom('attachment; filename="Invoice RST-1.pdf"', 'x.pdf')).toBe('Invoice RST-1.pdf');
    expect(fileNameFrom("attachment; filename*=UTF-8''Statement%20%E2%82%AC.pdf", 'x.pdf')).toBe(
      'Statement €.pdf',
    );
    expect(fileNameFrom(null, 'x.pdf')).toBe('x.pdf');
  });
});
