import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postTwilio, TWILIO, WECHAT, wechatPush } from "../contract/channel.harnesses.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { hostileBody, hostileNumber, hostileString, pct, send } from "../support/fuzz.js";
import { WebchatClient } from "../support/webchat-client.js";
import { staffLogin } from "./ticket.helpers.js";

// Every public endpoint answers hostile input with a 4xx (or a normal answer when the input
// happens to be valid), never a 500, and the server keeps serving.
describe("fuzzing public endpoints", () => {
  let t: TestApp;
  let chat: WebchatClient;
  beforeAll(async () => {
    t = await startTestApp("pglite", {
      RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
      DEMO_DATA: "false",
      // Every webhook on, so hostile bodies reach their parsers and signature checks.
      TRACKING_WEBHOOK_SECRET: "fuzz-tracking-secret-0123",
      WECHAT_TOKEN: "fuzztoken",
      WECHAT_APP_ID: "wx0000000000000000",
      WECHAT_APP_SECRET: "fuzz-secret",
      WECHAT_API_BASE: "http://127.0.0.1:9",
      TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
      TWILIO_AUTH_TOKEN: "fuzz-twilio-token",
      TWILIO_FROM: "+15550000000",
      TWILIO_API_BASE: "http://127.0.0.1:9",
      PUBLIC_URL: "http://127.0.0.1:3000",
      BOTFRAMEWORK_ENABLED: "true",
    });
    chat = await WebchatClient.open(t.baseUrl);
  });
  afterAll(async () => {
    await t?.close();
  });

  const targets = (): {
    name: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    ok: number[];
  }[] => [
    {
      name: "web chat message",
      method: "POST",
      path: `/api/webchat/sessions/${chat.sessionId}/messages`,
      headers: { authorization: `Bearer ${chat.token}` },
      ok: [200],
    },
    { name: "web chat session", method: "POST", path: "/api/webchat/sessions", headers: {}, ok: [201] },
    { name: "login", method: "POST", path: "/api/auth/login", headers: {}, ok: [] },
    {
      name: "unknown session",
      method: "POST",
      path: "/api/webchat/sessions/not-a-uuid/messages",
      headers: { authorization: "Bearer x" },
      ok: [],
    },
  ];

  it("never answers 5xx", async () => {
    for (const target of targets()) {
      await fc.assert(
        fc.asyncProperty(hostileBody, async (input) => {
          const status = await send(`${t.baseUrl}${target.path}`, target.method, input, target.headers);
          const fine = target.ok.includes(status) || (status >= 400 && status < 500);
          if (!fine) throw new Error(`${target.name}: ${status} for ${String(input.body).slice(0, 80)}`);
        }),
        { numRuns: 40 },
      );
    }
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });

  it("refuses bodies over the 1 MB limit with 413", async () => {
    const status = await send(
      `${t.baseUrl}/api/webchat/sessions/${chat.sessionId}/messages`,
      "POST",
      { body: JSON.stringify({ text: "x".repeat(1_100_000) }), contentType: "application/json" },
      { authorization: `Bearer ${chat.token}` },
    );
    expect(status).toBe(413);
  });

  it("sets security headers", async () => {
    const res = await fetch(`${t.baseUrl}/`);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBeTruthy();
  });
});

// Well-formed requests (signed, authenticated) whose fields are hostile full-Unicode text or
// numbers: the kind of input that reaches the database (issue 20: NUL, lone surrogates, a seq
// beyond bigint, an empty MsgId). On both databases, since they fail differently.
describe.each(DB_KINDS)("fuzzing fields that reach the database (%s)", (kind) => {
  let t: TestApp;
  let chat: WebchatClient;
  let supervisor: string;
  beforeAll(async () => {
    t = await startTestApp(kind, {
      RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
      RATE_LIMIT_LOGINS_PER_MINUTE: "100000",
      DEMO_DATA: "false",
      WECHAT_TOKEN: WECHAT.token,
      WECHAT_APP_ID: WECHAT.appId,
      WECHAT_APP_SECRET: WECHAT.appSecret,
      WECHAT_API_BASE: "http://127.0.0.1:9",
      WECHAT_PASSIVE_WINDOW_MS: "0",
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_FROM: TWILIO.from,
      TWILIO_API_BASE: "http://127.0.0.1:9",
      PUBLIC_URL: TWILIO.publicUrl,
    });
    chat = await WebchatClient.open(t.baseUrl);
    supervisor = (await staffLogin(t.app, t.baseUrl, "fuzz-supervisor", "supervisor")).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const json = (body: unknown) => ({ body: JSON.stringify(body), contentType: "application/json" });
  const get = async (path: string, token?: string) => {
    const res = await fetch(`${t.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await res.arrayBuffer();
    return res.status;
  };
  const wechatXml = (f: { from: string; content: string; msgId: string }) =>
    `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[${f.from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${f.content}]]></Content><MsgId>${f.msgId}</MsgId></xml>`;

  const targets: { name: string; arbitrary: fc.Arbitrary<unknown>; run: (v: never) => Promise<number> }[] = [
    {
      name: "web chat message (sent twice)",
      arbitrary: fc.record({ text: hostileString, clientMessageId: hostileString }),
      run: async (v: { text: string; clientMessageId: string }) => {
        const url = `${t.baseUrl}/api/webchat/sessions/${chat.sessionId}/messages`;
        const headers = { authorization: `Bearer ${chat.token}` };
        const first = await send(url, "POST", json(v), headers);
        const again = await send(url, "POST", json(v), headers);
        return first !== again ? 500 + again : first; // a re-send answers as the first send did
      },
    },
    {
      name: "web chat history cursor",
      arbitrary: hostileNumber,
      run: (after: string) => get(`/api/webchat/sessions/${chat.sessionId}/messages?after=${pct(after)}`, chat.token),
    },
    {
      name: "login",
      arbitrary: fc.record({ username: hostileString, password: hostileString }),
      run: (v: object) => send(`${t.baseUrl}/api/auth/login`, "POST", json(v)),
    },
    {
      name: "ticket search",
      arbitrary: fc.record({ text: hostileString, page: hostileNumber }),
      run: (v: { text: string; page: string }) =>
        get(`/api/tickets?text=${pct(v.text)}&page=${pct(v.page)}`, supervisor),
    },
    {
      name: "report filters",
      arbitrary: fc.record({ agent: hostileString, group: hostileString, from: hostileString }),
      run: (v: { agent: string; group: string; from: string }) =>
        get(`/api/reports/summary?agent=${pct(v.agent)}&group=${pct(v.group)}&from=${pct(v.from)}`, supervisor),
    },
    {
      // Issue 21: a complaint another system hands over (supervisors may key one in), sent twice:
      // the second answers 200 with the same ticket when the first opened one.
      name: "complaint from another system (sent twice)",
      arbitrary: fc.record({
        source: fc.oneof(fc.constantFrom("spb12305", "ecommerce"), hostileString),
        externalId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:#-]{0,30}$/), hostileString),
        externalRef: fc.option(hostileString, { nil: undefined }),
        customer: fc.record({
          phone: fc.oneof(fc.constant("13900003333"), hostileString),
          name: fc.option(hostileString, { nil: undefined }),
        }),
        waybill: fc.option(fc.oneof(fc.constant("SF1438829301576"), hostileString), { nil: undefined }),
        text: hostileString,
        deadline: fc.option(fc.oneof(hostileNumber, fc.constant("2099-01-01T00:00:00Z")), { nil: undefined }),
      }),
      run: async (v: object) => {
        const url = `${t.baseUrl}/api/integrations/tickets`;
        const headers = { authorization: `Bearer ${supervisor}` };
        const first = await send(url, "POST", json(v), headers);
        const again = await send(url, "POST", json(v), headers);
        // Opened, the same ticket again, or refused with a code: nothing else (no 404, no 5xx).
        if (![200, 201, 400].includes(first)) return 500 + first;
        if (first === 201 && again !== 200) return 500 + again;
        return Math.max(first, again);
      },
    },
    {
      name: "SMS (signed)",
      arbitrary: fc.record({ MessageSid: hostileString, Body: hostileString }),
      run: async (v: { MessageSid: string; Body: string }) => {
        const res = await postTwilio(t.baseUrl, "/webhooks/sms/twilio", { From: "+8613900002222", ...v });
        await res.arrayBuffer();
        return res.status;
      },
    },
    {
      name: "WeChat push (signed)",
      arbitrary: fc.record({
        from: fc.oneof(fc.constant("o_fuzz"), hostileString),
        content: hostileString,
        msgId: fc.oneof(fc.constant(""), hostileNumber),
      }),
      run: async (v: { from: string; content: string; msgId: string }) => {
        const push = wechatPush(wechatXml(v));
        const res = await fetch(`${t.baseUrl}/webhooks/wechat?${push.query}`, {
          method: "POST",
          headers: { "content-type": "text/xml" },
          body: push.body,
        });
        await res.arrayBuffer();
        return res.status;
      },
    },
  ];

  it("never answers 5xx", async () => {
    for (const target of targets) {
      await fc.assert(
        fc.asyncProperty(target.arbitrary, async (v) => {
          const status = await target.run(v as never);
          if (status >= 500) throw new Error(`${target.name}: ${status} for ${JSON.stringify(v)}`);
        }),
        { numRuns: 40 },
      );
    }
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });
});
