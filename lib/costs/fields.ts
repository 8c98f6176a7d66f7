import { z } from 'zod';

/** A dollar amount as typed in a form, kept as a decimal string (never a float). */
export const dollarAmountPattern = /^\d{1,7}(\.\d{1,2})?$/;
export const DOLLAR_AMOUNT_MESSAGE = 'Enter an amount in dollars, like 250 or 99.50.';

export const dollarAmountField = z.string().trim().regex(dollarAmountPattern, DOLLAR_AMOUNT_MESSAGE);

/**
 * Per-widget spending ceilings that hold whatever the monthly cap (lib/costs/budget.ts): a
 * visitor, or an attacker who starts conversation after conversation, cannot spend more than
 * these in a UTC day. Policy, not measurements: a reply costs about $0.0005 on gpt-4o-mini and
 * $0.01 on gpt-4o, so a visitor's $0.50 is 50 or more long answers on gpt-4o.
 */
export const DEFAULT_WIDGET_DAILY_SPEND_USD = '20.00';
export const DEFAULT_VISITOR_DAILY_SPEND_USD = '0.50';
