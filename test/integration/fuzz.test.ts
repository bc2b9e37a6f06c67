import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { hostileBody, send } from "../support/fuzz.js";
import { WebchatClient } from "../support/webchat-client.js";

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
