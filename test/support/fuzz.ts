import fc from "fast-check";

/** Bodies an attacker or a broken client might send: wrong types, huge strings, deep JSON, bad bytes. */
export const hostileBody: fc.Arbitrary<{ body: string | Uint8Array; contentType: string }> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ body: JSON.stringify(v), contentType: "application/json" })),
  fc
    .record({ text: fc.anything(), clientMessageId: fc.anything(), username: fc.anything(), password: fc.anything() })
    .map((v) => ({
      body: JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? "null",
      contentType: "application/json",
    })),
  fc.string({ maxLength: 300 }).map((s) => ({ body: s, contentType: "application/json" })),
  fc
    .integer({ min: 1, max: 2000 })
    .map((depth) => ({ body: `${"[".repeat(depth)}${"]".repeat(depth)}`, contentType: "application/json" })),
  fc
    .integer({ min: 1_000, max: 1_500_000 })
    .map((n) => ({ body: JSON.stringify({ text: "长".repeat(n) }), contentType: "application/json" })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ body: bytes, contentType: "application/json" })),
  fc.string({ maxLength: 200 }).map((s) => ({ body: s, contentType: "text/plain" })),
  fc.string({ maxLength: 200 }).map((s) => ({ body: `<xml>${s}</xml>`, contentType: "application/xml" })),
  fc
    .string({ maxLength: 200 })
    .map((s) => ({ body: `a=${encodeURIComponent(s)}&b[]=1`, contentType: "application/x-www-form-urlencoded" })),
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
