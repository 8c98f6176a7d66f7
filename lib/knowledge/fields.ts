import { z } from 'zod';

// Document category and tags as typed in forms, shared by uploads, URL imports and edits.

export const categoryField = z
  .string()
  .trim()
  .max(60, 'At most 60 characters.')
  .default('')
  .transform((value) => value || null);

/** Comma-separated tags: trimmed, lower-cased, de-duplicated. */
export const tagsField = z
  .string()
  .max(500)
  .default('')
  .transform((text) => [...new Set(text.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))])
  .refine((tags) => tags.length <= 20, 'At most 20 tags.')
  .refine((tags) => tags.every((tag) => tag.length <= 40), 'Each tag can be at most 40 characters.');
