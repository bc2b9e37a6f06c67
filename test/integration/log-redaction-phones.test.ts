import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";
import { api, eventually, TICKET_NUMBER } from "./ticket.helpers.js";

// The production logger (src/logger.ts's createLogger, which buildApp uses when no logger is
// given: pino JSON on stdout with its redaction) at the levels operators run: a phone number a
// customer or an agent typed never reaches the log in clear, only masked (138****5678). The
// usual test app logs to a silent pino, so its redaction never ran under test. (Tokens and SQL
// parameters are covered elsewhere; this file is about phones.)
const CHAT_PHONE = "13812345678";
const CALL_PHONE = "13987654321";

/**
 * What the process writes to stdout (fd 1), where pino's default destination (sonic-boom)
 * writes with fs.write/fs.writeSync. Captured, not printed, until restored.
 */
function captureStdout(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const write = fs.write;
  const writeSync = fs.writeSync;
  const isStdout = (fd: unknown) => fd === 1 || fd === process.stdout.fd;
  const patched = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  patched.write = (...args: unknown[]) => {
    if (!isStdout(args[0])) return (write as (...a: unknown[]) => unknown)(...args);
    const data = String(args[1]);
    chunks.push(data);
    const done = args.at(-1) as (err: null, n: number) => void;
    process.nextTick(done, null, Buffer.byteLength(data));
  };
  patched.writeSync = (...args: unknown[]) => {
    if (!isStdout(args[0])) return (writeSync as (...a: unknown[]) => unknown)(...args);
    const data = String(args[1]);
    chunks.push(data);
    return Buffer.byteLength(data);
  };
  return {
    text: () => chunks.join(""),
    restore: () => {
      patched.write = write as unknown as (...args: unknown[]) => unknown;
      patched.writeSync = writeSync as unknown as (...args: unknown[]) => unknown;
    },
  };
}

describe.each(["info", "debug"])("phone numbers in the production log at LOG_LEVEL=%s", (level) => {
  let t: TestApp;
  let out: ReturnType<typeof captureStdout>;

  beforeAll(async () => {
    out = captureStdout();
    // No logger passed: buildApp builds the production one from LOG_LEVEL / LOG_PRETTY.
    t = await startTestApp("pglite", { LOG_LEVEL: level, LOG_PRETTY: "false" }, { logger: undefined });
  });
  afterAll(async () => {
    await t?.close();
    out?.restore();
  });

  /** The log as JSON records (pino writes one per line). */
  const records = () =>
    out
      .text()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it("a complaint in the chat and a ticket opened for a call log the phone masked, never in clear", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say(`我要投诉，快递三天了还没送到，单号SF1438829301576，电话${CHAT_PHONE}`);
    const done = await chat.say("确认");
    expect(TICKET_NUMBER.exec(done[0]?.text ?? "")).not.toBeNull();

    const login = await api<{ token: string }>(t.baseUrl, "POST", "/api/auth/login", undefined, {
      username: "admin",
      password: "admin-pass-123",
    });
    expect(login.status).toBe(200);
    const created = await api(t.baseUrl, "POST", "/api/tickets", login.body.token, {
      category: "LOSS",
      description: `客户来电说包裹丢了，回电 ${CALL_PHONE}`,
      customerPhone: CALL_PHONE,
      contactPhone: CALL_PHONE,
    });
    expect(created.status).toBe(201);

    // Both creations are logged (the lines the masking applies to exist at this level) …
    const logged = await eventually(async () => {
      const lines = records().filter((r) => r.msg === "ticket created");
      return lines.length >= 2 ? lines : undefined;
    });
    // contactPhone is masked by the service and then redacted whole by the logger.
    expect(logged.map((r) => r.contactPhone)).toEqual(["[redacted]", "[redacted]"]);
    // … and no line anywhere holds either number in clear, however it was spaced.
    const all = out.text().replace(/[\s-]/g, "");
    expect(all).not.toContain(CHAT_PHONE);
    expect(all).not.toContain(CALL_PHONE);
    if (level === "debug") {
      // Debug logs every request: the phones went by in bodies and URLs, and still do not show.
      expect(records().some((r) => r.msg === "incoming request")).toBe(true);
    }
  });
});
