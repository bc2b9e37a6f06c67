import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rng } from "../../intents/linear.classifier.js";
import { ERRORS } from "../../src/errors.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { pct } from "../support/fuzz.js";
import { createStaff, login } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

// Every documented operation (the app's own OpenAPI document) with a JSON body, query or path
// parameters gets a bounded, deterministic set of hostile values per field (the attacker review's
// hand fuzzer, session 11, as a test): never a 5xx; every 4xx is JSON with a code from the
// catalogue; money with three decimals and staff text with nothing visible are refused; a create
// route refused with 4xx stores nothing. Values are picked by a seeded PRNG: the same cases every run.

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  default?: unknown;
}
interface Parameter {
  in: "query" | "path" | "header";
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Operations not fuzzed, with the reason. */
const SKIP: Record<string, string> = {
  "POST /api/auth/logout": "revokes the admin token the fuzzer uses",
  "POST /api/admin/webhooks/{id}/test": "sends a real HTTP request to the subscription's URL",
  "POST /api/admin/webhooks/{id}/deliveries/{deliveryId}/replay": "re-sends a delivery over HTTP",
  "POST /api/admin/outbox/{id}/retry": "re-sends an outbound message through its channel",
};

/** Create routes whose refusals must leave these tables as they were (nothing half-stored). */
const CREATES: Record<string, ("ticket" | "customer" | "label" | "kbArticle" | "agent" | "cannedReply" | "apiKey")[]> =
  {
    "POST /api/tickets": ["ticket", "customer"],
    "POST /api/integrations/tickets": ["ticket", "customer"],
    "POST /api/admin/labels": ["label"],
    "POST /api/kb/articles": ["kbArticle"],
    "POST /api/admin/agents": ["agent"],
    "POST /api/admin/canned-replies": ["cannedReply"],
    "POST /api/admin/api-keys": ["apiKey"],
  };

/** Base-body fields an operation needs beyond its schema's required ones, so a hostile field reaches the handler. */
const BASE: Record<string, Record<string, unknown>> = {
  "POST /api/tickets": { customerPhone: "13900001111" },
};

/**
 * Fields a person writes for another to read (src/http/schemas.ts visibleText), by route: nothing
 * visible is refused. Not the customer's chat, not the NLU probe, not internal annotations.
 */
const STAFF_TEXT: [path: RegExp, field: RegExp][] = [
  [/^\/api\/(tickets|conversations|integrations)\b/, /^(text|description|note|resolution|reason)$/],
  // A reply to a suggestion is sent to the customer.
  [/^\/api\/feedback\//, /^reply$/],
];
const isStaffText = (path: string, field: string) => STAFF_TEXT.some(([p, f]) => p.test(path) && f.test(field));
/** Money in yuan (Decimal(12,2)): three decimals are refused (src/http/schemas.ts yuan). */
const MONEY = /amount$/i;

function pick<T>(rand: () => number, pool: T[], n: number): T[] {
  const copy = [...pool];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0] as T);
  return out;
}

const NONE = "00000000-0000-4000-8000-000000000000";
const ZERO_WIDTH = "\u200b\u200c\u200d\u2060";
const LONG = "x".repeat(100_000);
/** A raw JSON number token (JSON.parse reads 1e309 as Infinity): spliced into the body text. */
class Raw {
  constructor(readonly token: string) {}
}
const raw = (token: string) => new Raw(token);

// Hostile values. `always`: sent to every field of that kind; `pool`: the PRNG picks some per field.
const STRING_ALWAYS: unknown[] = [
  "\u0000",
  "\ud800",
  "😀𠀀",
  "\u202eabc",
  "\ufeff",
  ZERO_WIDTH,
  LONG,
  12,
  null,
  [],
  {},
];
const STRING_POOL: unknown[] = [
  "a\u0000b",
  "x\udc00y",
  "\udbff\udfff\udbff",
  "\u200f\u200e",
  "",
  "   ",
  "%_\\'\"",
  "<script>alert(1)</script>",
  "长".repeat(20_000),
  "-1",
  "NaN",
  "1e309",
  true,
  [""],
  ["\u0000"],
  { a: 1 },
];
const NUMBER_ALWAYS: unknown[] = [-1, 1e308, raw("1e309"), 0.004, "1", null, []];
const NUMBER_POOL: unknown[] = [
  0,
  -1e308,
  raw("-1e309"),
  raw("-0"),
  raw("1E2"),
  raw("123456789012345678901234567890"),
  raw("9007199254740993"),
  1.5,
  12.345,
  "NaN",
  "Infinity",
  "0x10",
  "",
  true,
  {},
  [1],
];
const BOOLEAN_VALUES: unknown[] = ["true", 1, 0, null, [], {}, "\u0000"];
const ARRAY_VALUES: unknown[] = [
  "x",
  null,
  {},
  [null],
  ["\u0000"],
  [{}],
  [LONG],
  Array.from({ length: 2000 }, () => "x"),
];
const OBJECT_VALUES: unknown[] = [[], "x", null, 1, { "\u0000": "\ud800" }];
const ENUM_VALUES = (values: unknown[]): unknown[] => ["not-a-value", `${String(values[0])}\u0000`, null, 1];
/** Whole bodies that are not the documented object. */
const BODY_SHAPES = ["[]", "null", "{}", "1", '"s"', "{", '{"a":1,"a":2}', `${"[".repeat(2000)}${"]".repeat(2000)}`];
/** Query and path values (a string on the wire). */
const PARAM_ALWAYS = ["%00", "%ED%A0%80", pct(ZERO_WIDTH), pct(LONG.slice(0, 3000)), "-1", "1e309"];
const PARAM_POOL = [
  pct("a\u0000b"),
  pct("😀𠀀"),
  pct("\u202eabc"),
  pct("\ufeff"),
  "",
  "%",
  "%25_%5C%27%22",
  "..%2F..%2Fetc",
  "99999999999999999999",
  "NaN",
  "0x10",
  "-0",
  "1.005",
  "true",
  "%5B%5D",
  "null",
];

function typeOf(s: Schema | undefined): string {
  if (!s) return "any";
  if (s.enum) return "enum";
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  return t ?? "any";
}

/** A value that passes a field's schema, so one hostile field at a time reaches the handler. */
function validFor(name: string, s: Schema | undefined, ids: Record<string, string>): unknown {
  if (!s) return null;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined && s.default !== null) return s.default;
  const byName: Record<string, unknown> = {
    waybill: "SF1438829301576",
    contactPhone: "13900001111",
    customerPhone: "13900001111",
    phone: "13900001111",
    color: "#2563eb",
    url: "http://127.0.0.1:9/hook",
    username: "fuzz.new",
    password: "fuzz-pass-12345",
    secret: "fuzz-secret-0123456789",
    externalId: "EXT-1",
    dayStart: "09:00",
    dayEnd: "18:00",
    timezone: "Asia/Shanghai",
    groupCode: "logistics",
    group: "logistics",
    agent: "fuzz.agent",
    events: ["ticket.created"],
    scopes: ["tickets:write"],
    days: [],
    ids: [],
    presence: "online",
    cannedReplyId: ids.none,
    conversationId: ids.none,
  };
  if (name in byName) return byName[name];
  switch (typeOf(s)) {
    case "string":
      if (s.format === "date-time" || s.pattern?.includes("T(?:")) return "2099-01-01T00:00:00Z";
      if (s.format === "uuid") return ids.none;
      return "fuzz text 说明";
    case "integer":
    case "number":
      return s.minimum !== undefined && s.minimum > 1 ? s.minimum : 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object": {
      const o: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {}))
        if ((s.required ?? []).includes(k) || k === "phone") o[k] = validFor(k, sub, ids);
      return o;
    }
    default:
      return null;
  }
}

/** JSON text for a body with Raw number tokens spliced in. */
function bodyText(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.token);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)] as string);
}

interface Case {
  op: string;
  what: string;
  method: string;
  url: string;
  body?: string;
  /** The value must be refused (money with 3 decimals, staff text with nothing visible). */
  mustRefuse?: boolean;
}

function casesFor(
  method: string,
  path: string,
  op: Operation,
  fill: (name: string) => string,
  ids: Record<string, string>,
  rand: () => number,
): Case[] {
  const key = `${method} ${path}`;
  const cases: Case[] = [];
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  const baseBody = schema
    ? { ...(validFor("", { ...schema, type: "object" }, ids) as Record<string, unknown>), ...BASE[key] }
    : undefined;
  const bodyOk = baseBody === undefined ? undefined : bodyText(baseBody);
  const url = (over: Record<string, string> = {}, query = "") =>
    path.replace(/\{(\w+)\}/g, (_m, n: string) => over[n] ?? encodeURIComponent(fill(n))) + query;
  const params = op.parameters ?? [];
  for (const p of params.filter((x) => x.in === "path"))
    for (const v of [...PARAM_ALWAYS.slice(0, 4), ...pick(rand, PARAM_POOL, 4)])
      cases.push({
        op: key,
        what: `path ${p.name}=${v.slice(0, 24)}`,
        method,
        url: url({ [p.name]: v }),
        body: bodyOk,
      });
  for (const p of params.filter((x) => x.in === "query")) {
    for (const v of [...PARAM_ALWAYS, ...pick(rand, PARAM_POOL, 3)])
      cases.push({ op: key, what: `query ${p.name}=${v.slice(0, 24)}`, method, url: url({}, `?${p.name}=${v}`) });
    cases.push({ op: key, what: `query ${p.name} twice`, method, url: url({}, `?${p.name}=a&${p.name}=b`) });
  }
  if (!schema || !baseBody) return cases;
  const send = (what: string, body: string, mustRefuse = false) =>
    cases.push({ op: key, what, method, url: url(), body, mustRefuse });
  for (const [field, fs] of Object.entries(schema.properties ?? {})) {
    const kind = typeOf(fs);
    const values =
      kind === "string"
        ? [...STRING_ALWAYS, ...pick(rand, STRING_POOL, 3)]
        : kind === "integer" || kind === "number"
          ? [...NUMBER_ALWAYS, ...pick(rand, NUMBER_POOL, 5)]
          : kind === "boolean"
            ? BOOLEAN_VALUES
            : kind === "array"
              ? ARRAY_VALUES
              : kind === "object"
                ? OBJECT_VALUES
                : kind === "enum"
                  ? ENUM_VALUES(fs.enum ?? [])
                  : [...pick(rand, STRING_ALWAYS, 3), ...pick(rand, NUMBER_ALWAYS, 2)];
    for (const v of values) {
      const refuse =
        (MONEY.test(field) && (kind === "number" || kind === "integer") && (v === 0.004 || v === 12.345)) ||
        (isStaffText(path, field) && v === ZERO_WIDTH);
      send(`body ${field}=${show(v)}`, bodyText({ ...baseBody, [field]: v }), refuse);
    }
    if (kind === "array" && fs.items && typeOf(fs.items) !== "any")
      for (const v of pick(rand, [...STRING_ALWAYS, ...NUMBER_ALWAYS], 4))
        send(`body ${field}[]=${show(v)}`, bodyText({ ...baseBody, [field]: [v] }));
    if (kind === "object" && fs.properties) {
      const inner = validFor(field, fs, ids) as Record<string, unknown>;
      for (const [sub, ss] of Object.entries(fs.properties))
        for (const v of typeOf(ss) === "string" ? pick(rand, STRING_ALWAYS, 4) : pick(rand, OBJECT_VALUES, 2))
          send(`body ${field}.${sub}=${show(v)}`, bodyText({ ...baseBody, [field]: { ...inner, [sub]: v } }));
    }
  }
  for (const field of schema.required ?? []) {
    const { [field]: _gone, ...rest } = baseBody;
    send(`body without ${field}`, bodyText(rest));
  }
  for (const shape of BODY_SHAPES) send(`body ${shape.slice(0, 12)}`, shape);
  return cases;
}

function show(v: unknown): string {
  if (v instanceof Raw) return v.token;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 30 ? `${s.slice(0, 24)}…(${s.length})` : s;
}

const CODES = new Set(Object.keys(ERRORS));

describe.each(DB_KINDS)("every documented operation under hostile fields (%s)", (kind) => {
  let t: TestApp;
  let admin: string;
  let agent: string;
  let chat: WebchatClient;
  const ids: Record<string, string> = { none: NONE };
  let ticketNumber = "";
  let doc: { paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    t = await startTestApp(kind, {
      DEMO_DATA: "false",
      RATE_LIMIT_MESSAGES_PER_MINUTE: "1000000",
      RATE_LIMIT_LOGINS_PER_MINUTE: "1000000",
      RATE_LIMIT_SESSIONS_PER_MINUTE: "1000000",
      // On, so hostile bodies reach its signature check (off, it answers 503 by design).
      TRACKING_WEBHOOK_SECRET: "fuzz-tracking-secret-0123",
    });
    admin = await login(t.baseUrl, "admin", "admin-pass-123");
    await t.app.db.prisma.group.upsert({
      where: { code: "logistics" },
      create: { code: "logistics", nameZh: "物流", nameEn: "Logistics" },
      update: {},
    });
    agent = (await createStaff(t.app, t.baseUrl, { username: "fuzz.agent", role: "agent", groups: ["logistics"] }))
      .token;
    ids.agent = (await createStaff(t.app, t.baseUrl, { username: "fuzz.patched", role: "agent" })).id;
    chat = await WebchatClient.open(t.baseUrl);
    await chat.say("你好");
    const conversation = await t.app.db.prisma.conversation.findFirstOrThrow({ select: { id: true } });
    ids.conversation = conversation.id;
    const made = await fetch(`${t.baseUrl}/api/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ category: "DELAY", description: "三天没动", customerPhone: "13900002222" }),
    });
    expect(made.status).toBe(201);
    ticketNumber = ((await made.json()) as { number: string }).number;
    ids.article = (await t.app.db.prisma.kbArticle.findFirst({ select: { id: true } }))?.id ?? NONE;
    ids.calendar = (await t.app.db.prisma.businessCalendar.findFirst({ select: { id: true } }))?.id ?? NONE;
    doc = (await (await fetch(`${t.baseUrl}/docs/json`)).json()) as typeof doc;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A real object for each path parameter where one exists, so bodies reach the handler. */
  const fillFor = (path: string) => (name: string) => {
    if (name === "number") return ticketNumber;
    if (name === "sessionId") return chat.sessionId;
    if (name === "name") return "first_response";
    if (name === "year") return "2099";
    if (name === "type") return "urge";
    if (name === "waybill") return "SF1438829301576";
    if (name === "id") {
      if (path.startsWith("/api/conversations/")) return ids.conversation as string;
      if (path.startsWith("/api/admin/agents/")) return ids.agent as string;
      if (path.startsWith("/api/kb/articles/")) return ids.article as string;
      if (path.startsWith("/api/sla/calendars/")) return ids.calendar as string;
    }
    return ids.none as string;
  };

  const count = (table: (typeof CREATES)[string][number]) =>
    (t.app.db.prisma[table] as unknown as { count(): Promise<number> }).count();

  it("never a 5xx; every 4xx a JSON error with a catalogued code; nothing half-stored", async () => {
    const rand = rng(0x6b756169);
    const cases: Case[] = [];
    const skipped: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops)) {
        const method = m.toUpperCase();
        if (SKIP[`${method} ${path}`]) {
          skipped.push(`${method} ${path}`);
          continue;
        }
        cases.push(...casesFor(method, path, op, fillFor(path), ids, rand));
      }
    expect(skipped.sort()).toEqual(Object.keys(SKIP).sort()); // the skip list names documented routes only
    const agentSample = new Set(pick(rand, [...new Set(cases.map((c) => c.op))], 12));

    const failures: string[] = [];
    const seen = new Set<string>();
    const fail = (c: Case, as: string, msg: string) => {
      const key = `${c.op} ${msg.slice(0, 40)}`;
      if (seen.has(key)) return; // one line per operation and kind of failure
      seen.add(key);
      failures.push(`${c.op} [${c.what}] as ${as}: ${msg}`);
    };
    let sent = 0;
    const run = async (c: Case, token: string, as: string) => {
      const tables = as === "admin" ? CREATES[c.op] : undefined;
      const before = tables ? await Promise.all(tables.map(count)) : [];
      const headers: Record<string, string> = {
        authorization: `Bearer ${c.url.startsWith("/api/webchat/") ? chat.token : token}`,
      };
      if (c.body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${t.baseUrl}${c.url}`, { method: c.method, headers, body: c.body });
      const text = await res.text();
      sent++;
      if (res.status >= 500) return fail(c, as, `${res.status} ${text.slice(0, 160)}`);
      if (res.status >= 400) {
        let code: unknown;
        try {
          code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
        } catch {
          return fail(c, as, `${res.status} without a JSON body: ${text.slice(0, 80)}`);
        }
        if (typeof code !== "string" || !CODES.has(code)) return fail(c, as, `${res.status} code ${String(code)}`);
        if (tables) {
          const after = await Promise.all(tables.map(count));
          if (after.join() !== before.join())
            fail(c, as, `${res.status} ${code} but stored: ${tables.join(",")} ${before} → ${after}`);
        }
        // Refused for the value itself (400), not for the ticket's state (a 409 there means the value passed).
        if (c.mustRefuse && as === "admin" && res.status !== 400)
          fail(c, as, `${res.status} ${code}: expected 400, the value refused`);
      } else if (c.mustRefuse && as === "admin") {
        fail(c, as, `${res.status}: accepted, expected a 400 refusal`);
      }
    };
    for (const c of cases) {
      await run(c, admin, "admin");
      if (agentSample.has(c.op)) await run(c, agent, "agent");
    }
    console.log(`${kind}: ${sent} requests, ${cases.length} cases, ${new Set(cases.map((c) => c.op)).size} operations`);
    expect(failures).toEqual([]);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });
});
