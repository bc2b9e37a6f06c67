import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AppError } from "../errors.js";

/**
 * Text PostgreSQL cannot hold faithfully: U+0000 (text columns refuse it, 22021/22P05) and an
 * unpaired UTF-16 surrogate (no UTF-8 form: pg turns it into U+FFFD, so a re-sent id never
 * matches what was stored, and PGlite refuses it). Issue 20: such input got 500s; it is refused
 * at the edge with 400 instead.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(s: string): boolean {
  return !s.includes("\u0000") && !LONE_SURROGATE.test(s);
}

export const UNSTORABLE_MESSAGE = "contains U+0000 or an unpaired UTF-16 surrogate";

/**
 * Where in a parsed request part (params, query, body: objects, arrays, strings) the first
 * string key or value that cannot be stored is, as a dotted path; undefined when all can.
 */
export function findUnstorable(value: unknown, path: string): string | undefined {
  // Iterative: a hostile body may nest thousands of levels.
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (typeof v === "string") {
      if (!isStorableText(v)) return p;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${p}.${i}`]);
    } else if (v && typeof v === "object" && !Buffer.isBuffer(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (!isStorableText(k)) return `${p} (a key)`;
        stack.push([x, `${p}.${k}`]);
      }
    }
  }
  return undefined;
}

/**
 * The global rule: every route's params, query string and parsed body (JSON, forms, XML text)
 * are checked before validation, so no route can forget it. Runs after the role checks
 * (onRequest), so an anonymous caller learns nothing more.
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const where =
      findUnstorable(request.params, "params") ??
      findUnstorable(request.query, "querystring") ??
      findUnstorable(request.body, "body");
    if (where) {
      const issue = `${where}: ${UNSTORABLE_MESSAGE}`;
      throw new AppError("VALIDATION_FAILED", issue, { issues: [issue] });
    }
  });
}

/** PostgreSQL's bigint: a larger id or seq can match nothing, and is refused rather than failing in the driver. */
export const INT8_MAX = 9_223_372_036_854_775_807n;

/** A non-negative bigint in decimal (message seq, audit id) as a query parameter. */
export const int8String = (what: string) =>
  z
    .string()
    .regex(/^\d{1,19}$/, `${what} must be a non-negative integer`)
    // zod runs every check even after the regex failed: BigInt() only on digits.
    .refine((s) => !/^\d{1,19}$/.test(s) || BigInt(s) <= INT8_MAX, `${what} is out of range`);
