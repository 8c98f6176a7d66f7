// Money arrives from SQL as decimal strings; formatting them never goes through arithmetic.

/** "1234.5" -> "$1,234.50" */
export function formatUsd(amount: string): string {
  const [whole = '0', fraction = ''] = amount.replace(/^-/, '').split('.');
  const cents = (fraction + '00').slice(0, 2);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount.startsWith('-') ? '-' : ''}$${grouped}.${cents}`;
}

/** Whole percent of `part` in `total`, both decimal strings with at most 8 decimals (exact, via BigInt). */
export function percentOf(part: string, total: string): number {
  const scaled = (value: string) => {
    const [whole = '0', fraction = ''] = value.split('.');
    return BigInt(whole + (fraction + '00000000').slice(0, 8));
  };
  const denominator = scaled(total);
  if (denominator === 0n) return 0;
  return Number((scaled(part) * 100n) / denominator);
}

/** Every stored digit of a small amount: "0.00021870" -> "$0.0002187" (per-message costs are fractions of a cent). */
export function formatUsdExact(amount: string): string {
  const [whole = '0', fraction = ''] = amount.replace(/^-/, '').split('.');
  const digits = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${amount.startsWith('-') ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${digits}`;
}

/** Cents, except amounts under a cent, which keep their digits (a $0.0002 call is not "$0.00"). */
export function formatCost(amount: string): string {
  return /^-?0(\.00\d*)?$/.test(amount) ? formatUsdExact(amount) : formatUsd(amount);
}
