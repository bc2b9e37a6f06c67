import fc from "fast-check";

/**
 * One UTF-16 unit or code point of text an attacker might send (issue 20): U+0000, lone
 * surrogates, 4-byte characters, LIKE wildcards, bidi and BOM marks, or any code point.
 */
const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "%",
    "_",
    "\\",
    "😀",
    "𠀀",
    "\u202e",
    "\ufeff",
    "'",
  ),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
);

/** Full-Unicode strings, empty included, with NUL and lone surrogates likely. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: hostileUnit, maxLength: 40 }),
  fc.constant(""),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** What a numeric field or cursor might receive: huge, negative, exponent, not a number at all. */
export const hostileNumber: fc.Arbitrary<string> = fc.oneof(
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.constantFrom("9223372036854775807", "9223372036854775808", "99999999999999999999", "-1", "1e309", "0x10", ""),
  hostileString,
);

/** Percent-encodes any string for a URL, as a browser would (a lone surrogate becomes U+FFFD's bytes). */
export function pct(s: string): string {
  return Array.from(Buffer.from(s, "utf8"), (b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

/** Any JSON-able value, often a hostile string. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(hostileString, fc.anything());

/** Bodies an attacker or a broken client might send: wrong types, huge strings, deep JSON, bad bytes. */
export const hostileBody: fc.Arbitrary<{ body: string | Uint8Array; contentType: string }> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ body: JSON.stringify(v), contentType: "application/json" })),
  fc.record({ text: anyValue, clientMessageId: anyValue, username: anyValue, password: anyValue }).map((v) => ({
    body: JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? "null",
    contentType: "application/json",
  })),
  hostileString.map((s) => ({ body: s, contentType: "application/json" })),
  fc
    .integer({ min: 1, max: 2000 })
    .map((depth) => ({ body: `${"[".repeat(depth)}${"]".repeat(depth)}`, contentType: "application/json" })),
  fc
    .integer({ min: 1_000, max: 1_500_000 })
    .map((n) => ({ body: JSON.stringify({ text: "长".repeat(n) }), contentType: "application/json" })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ body: bytes, contentType: "application/json" })),
  hostileString.map((s) => ({ body: s, contentType: "text/plain" })),
  hostileString.map((s) => ({ body: `<xml>${s}</xml>`, contentType: "application/xml" })),
  hostileString.map((s) => ({ body: `a=${pct(s)}&b[]=1`, contentType: "application/x-www-form-urlencoded" })),
);

export async function send(
  url: string,
  method: string,
  input: { body: string | Uint8Array; contentType: string },
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": input.contentType, ...headers },
    body: typeof input.body === "string" ? input.body : Buffer.from(input.body),
  });
  await res.arrayBuffer();
  return res.status;
}
