import { z } from "zod";
import { ERRORS, type ErrorCode } from "../errors.js";

export const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

/** What a reader cannot see: spaces, zero-width characters and joiners, direction marks, BOM. */
const INVISIBLE = /[\p{Cf}\p{Z}\s]/gu;

/** Whether the text has anything to read once invisible characters are set aside. */
export function hasVisibleText(s: string): boolean {
  return s.replace(INVISIBLE, "").length > 0;
}

/**
 * Text a person writes for another to read (a reply, a note, a description, a resolution):
 * trimmed, 1–max characters, and not only invisible characters — a reply of U+200B or of
 * direction marks reached the customer as an empty bubble and a ticket kept a blank description.
 */
export function visibleText(max: number) {
  return z
    .string()
    .trim()
    .min(1, "text must not be empty")
    .max(max, `text must be at most ${max} characters`)
    .refine(hasVisibleText, { message: "text must have something visible (not only zero-width or direction marks)" });
}

/**
 * An amount of money in yuan as the database keeps it (Decimal(12,2)): at most ¥10,000,000 and
 * at most two decimals (fen). 0.004 passed `positive()` and was stored as 0.00 — a proposal the
 * customer was told was 0元.
 */
export function yuan(opts: { zero?: boolean } = {}) {
  return (opts.zero ? z.number().nonnegative() : z.number().positive())
    .max(10_000_000)
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6 && !(n > 0 && Math.round(n * 100) === 0), {
      message: "must be in yuan with at most two decimals (fen)",
    });
}

/** Response schemas for the error statuses a route can return (for OpenAPI). */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof errorSchema> {
  return Object.fromEntries(statuses.map((s) => [s, errorSchema])) as Record<S, typeof errorSchema>;
}
