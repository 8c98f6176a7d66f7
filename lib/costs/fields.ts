import { z } from 'zod';

/** A dollar amount as typed in a form, kept as a decimal string (never a float). */
export const dollarAmountPattern = /^\d{1,7}(\.\d{1,2})?$/;
export const DOLLAR_AMOUNT_MESSAGE = 'Enter an amount in dollars, like 250 or 99.50.';

export const dollarAmountField = z.string().trim().regex(dollarAmountPattern, DOLLAR_AMOUNT_MESSAGE);
