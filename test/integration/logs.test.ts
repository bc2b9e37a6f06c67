import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Database } from "../../src/db/client.js";
import { createLogger } from "../../src/logger.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { staffLogin } from "./ticket.helpers.js";

// Issue 20, logs: with the product's own logger (not a silent one), PII and credentials stay
// out of the output at every level: a failed statement's bound values (PGlite attaches them to
// its errors), web chat and staff tokens in WebSocket URLs, phones in search URLs (debug logs
// every request URL).
const PHONE = "13912345678";
const ADDRESS = "上海市浦东新区世纪大道100号";

describe.each(["info", "debug"] as const)("logs at LOG_LEVEL=%s (embedded)", (level) => {
  let t: TestApp;
  const lines: string[] = [];
  const output = () => lines.join("");
  beforeAll(async () => {
    const logger = createLogger(
      { LOG_LEVEL: level, LOG_PRETTY: false, NODE_ENV: "test" },
      {
        write: (line: string) => void lines.push(line),
      },
    );
    t = await startTestApp("pglite", { LOG_LEVEL: level }, { logger });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("does not log the bound values of a failed statement", async () => {
    // The statement that stores the customer's message fails inside PGlite (a real PGlite error,
    // which carries the statement's parameters), and the request's error is logged.
    const db = t.app.db as { query: Database["query"] };
    const real = db.query.bind(t.app.db);
    db.query = (async (sql: string, params: unknown[] = [], name?: string) => {
      if (JSON.stringify(params).includes(PHONE)) return real(`${sql} THIS IS NOT SQL`, params, name);
      return real(sql, params, name);
    }) as Database["query"];
    try {
      const chat = await WebchatClient.open(t.baseUrl);
      const res = await chat.sendRaw({ text: `我的电话 ${PHONE}，地址 ${ADDRESS}，快递丢了` });
      expect(res.status).toBe(500);
    } finally {
      db.query = real;
    }
    expect(output()).toContain("unhandled error"); // the failure itself is logged…
    expect(output()).not.toContain(PHONE); // …without the customer's text
    expect(output()).not.toContain(ADDRESS);
    expect(output()).not.toContain(PHONE.slice(3));
  });

  it("does not log tokens in WebSocket URLs or phones in search URLs", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const staff = await staffLogin(t.app, t.baseUrl, `log-sup-${level}`, "supervisor");
    const ws = (path: string) => `${t.baseUrl.replace("http", "ws")}${path}`;
    const sockets: [WebSocket, string][] = [
      [new WebSocket(ws(`/api/webchat/ws?sessionId=${chat.sessionId}&token=${chat.token}`)), "ping"],
      [new WebSocket(ws(`/api/agents/ws?token=${staff.token}`)), JSON.stringify({ type: "ping" })],
    ];
    for (const [socket, ping] of sockets) {
      // A first message back means the server accepted (and, at debug, logged) the upgrade.
      await new Promise<void>((resolve, reject) => {
        socket.once("open", () => socket.send(ping));
        socket.once("message", () => resolve());
        socket.once("error", reject);
      });
      socket.close();
    }
    const search = await fetch(`${t.baseUrl}/api/tickets?text=${PHONE}`, {
      headers: { authorization: `Bearer ${staff.token}` },
    });
    expect(search.status).toBe(200);
    if (level === "debug") expect(output()).toContain("/api/tickets?text="); // requests are logged at debug…
    expect(output()).not.toContain(chat.token); // …without credentials or phones
    expect(output()).not.toContain(staff.token);
    expect(output()).not.toContain(PHONE);
  });
});
