import { describe, expect, it } from 'vitest';
import { formatUsd, percentOf } from '@/lib/format';

describe('money formatting', () => {
  it.each([
    ['0', '$0.00'],
    ['7.87', '$7.87'],
    ['1234567.5', '$1,234,567.50'],
    ['0.00012345', '$0.00'],
    ['-12.3', '-$12.30'],
  ])('formats %s as %s', (amount, expected) => expect(formatUsd(amount)).toBe(expected));

  it('computes percentages exactly, without floats', () => {
    expect(percentOf('250', '1000')).toBe(25);
    expect(percentOf('999.99999999', '1000')).toBe(99);
    expect(percentOf('0.1', '0.3')).toBe(33);
    expect(percentOf('5', '0')).toBe(0);
  });
});
