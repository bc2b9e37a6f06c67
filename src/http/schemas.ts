import { z } from "zod";
import { ERRORS, type ErrorCode } from "../errors.js";

export const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

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
