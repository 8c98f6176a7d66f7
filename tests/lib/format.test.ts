import { describe, expect, it } from 'vitest';
import { formatCost, formatUsd, formatUsdExact, percentOf } from '@/lib/format';

describe('money formatting', () => {
  it.each([
    ['0', '$0.00'],
    ['7.87', '$7.87'],
    ['1234567.5', '$1,234,567.50'],
    ['0.00012345', '$0.00'],
    ['-12.3', '-$12.30'],
  ])('formats %s as %s', (amount, expected) => expect(formatUsd(amount)).toBe(expected));

  it.each([
    ['0.00021870', '$0.0002187'],
    ['0.00000000', '$0.00'],
    ['12.5', '$12.50'],
    ['1234.00000001', '$1,234.00000001'],
  ])('formats %s exactly as %s', (amount, expected) => expect(formatUsdExact(amount)).toBe(expected));

  it.each([
    ['4.04987654', '$4.04'],
    ['0.01999999', '$0.01'],
    ['0.00021870', '$0.0002187'],
    ['0', '$0.00'],
  ])('formats the cost %s as %s', (amount, expected) => expect(formatCost(amount)).toBe(expected));

  it('computes percentages exactly, without floats', () => {
    expect(percentOf('250', '1000')).toBe(25);
    expect(percentOf('999.99999999', '1000')).toBe(99);
    expect(percentOf('0.1', '0.3')).toBe(33);
    expect(percentOf('5', '0')).toBe(0);
  });
});
