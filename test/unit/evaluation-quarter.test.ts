import { describe, expect, it } from '@jest/globals';
import { isQuarter, lastCompletedQuarter, nextQuarter, parseQuarter, previousQuarter, quarterLabel, quarterOf, quarterRange } from '../../shared/domain/evaluation/quarter';
import { ValidationError } from '../../shared/domain/errors';

describe('Shanghai quarters', () => {
  it('puts an instant in the quarter of its Shanghai date, not its UTC date', () => {
    expect(quarterOf('2024-03-31T15:59:59Z')).toBe('2024Q1'); // 23:59:59 in Shanghai
    expect(quarterOf('2024-03-31T16:00:00Z')).toBe('2024Q2'); // 00:00 on 1 April in Shanghai
    expect(quarterOf('2024-12-31T23:30:00+08:00')).toBe('2024Q4');
    expect(quarterOf('2024-12-31T16:30:00Z')).toBe('2025Q1');
    expect(quarterOf('2024-07-01')).toBe('2024Q3');
  });

  it('gives the first and last day and the instant bounds', () => {
    expect(quarterRange('2024Q1')).toEqual({ firstDay: '2024-01-01', lastDay: '2024-03-31', startsAt: '2024-01-01T00:00:00+08:00', endsBefore: '2024-03-31T16:00:00.000Z' });
    expect(quarterRange('2024Q4').lastDay).toBe('2024-12-31');
    expect(quarterRange('2023Q3').lastDay).toBe('2023-09-30');
  });

  it('steps across years', () => {
    expect(nextQuarter('2024Q4')).toBe('2025Q1');
    expect(previousQuarter('2025Q1')).toBe('2024Q4');
    expect(lastCompletedQuarter(new Date('2025-01-01T00:10:00+08:00'))).toBe('2024Q4');
    expect(lastCompletedQuarter(new Date('2024-12-31T16:10:00Z'))).toBe('2024Q4');
    expect(lastCompletedQuarter(new Date('2024-12-31T15:10:00Z'))).toBe('2024Q3');
  });

  it('rejects malformed quarters with a Chinese message', () => {
    for (const bad of ['2024Q5', '2024q1', '24Q1', '2024-Q1', '']) {
      expect(isQuarter(bad)).toBe(false);
      expect(() => parseQuarter(bad)).toThrow(ValidationError);
    }
    expect(() => parseQuarter('2024Q0')).toThrow(/YYYYQn/);
    expect(quarterLabel('2024Q2')).toBe('2024年第2季度');
  });
});
