// The history's date filters: the shape, and days and times that exist (the window and the CLI
// send the same query, checked by the same schema).
import { describe, expect, it } from 'vitest';
import { experimentQuerySchema } from './index.ts';

const dateOk = (createdFrom: string): boolean => experimentQuerySchema.safeParse({ createdFrom }).success;

describe('history date filters', () => {
  it('takes days and times of the calendar, leap days and years before 100 included', () => {
    for (const d of [
      '2026-05-13',
      '2024-02-29',
      '2026-05-13T09:30',
      '2026-05-13T23:59:59.999Z',
      '0001-01-01',
      '0099-12-31',
    ])
      expect(dateOk(d), d).toBe(true);
  });

  it('refuses days and times that do not exist, and other shapes, saying which', () => {
    for (const d of ['2026-13-45', '2026-02-30', '2025-02-29', '2026-05-13T24:00', '2026-05-13T09:60', '2026-00-10'])
      expect(dateOk(d), d).toBe(false);
    const missing = experimentQuerySchema.safeParse({ createdFrom: '2026-02-30' });
    expect(missing.success || missing.error.issues[0]!.message).toBe(
      'is not a day of the calendar (or its time is not a time of day)',
    );
    const shape = experimentQuerySchema.safeParse({ createdFrom: 'yesterday' });
    expect(shape.success || shape.error.issues[0]!.message).toMatch(/^must be a date like 2026-05-13/);
  });
});
