// Issue 19: chinese-days has no data after its last year, and business-calendar clocks then
// silently counted Monday–Friday. Admins load a year's schedule (JSON or ICS), /readyz and the
// log warn from 60 days before the data runs out, and a clock computed on the fallback says so.
// The schedules loaded here are made-up test fixtures, not the State Council's.
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { nextCheckAt } from "../../src/sla/holiday.service.js";
import { BUILTIN_YEARS } from "../../src/sla/holidays.js";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { freshPostgres, TEST_REDIS_URL } from "../support/databases.js";
import { createStaff, login, staffApi } from "../support/staff.js";
import type { TicketJson } from "./ticket.helpers.js";

/** The last year chinese-days covers (2026 with chinese-days 1.5.7) and the one after it. */
const LAST = Math.max(...BUILTIN_YEARS);
const NEXT = LAST + 1;
const sh = (local: string) => new Date(`${local}+08:00`);

/** The first Monday–Friday date after `iso`, skipping the listed days. */
function nextWeekday(iso: string, skip: readonly string[] = []): string {
  let t = Date.parse(`${iso}T00:00:00Z`);
  for (;;) {
    t += 86_400_000;
    const d = new Date(t);
    const s = d.toISOString().slice(0, 10);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !skip.includes(s)) return s;
  }
}

/** A made-up schedule for NEXT: 1–4 January off, the second Saturday of January a make-up working day. */
const FIXTURE_OFF = [`${NEXT}-01-01`, `${NEXT}-01-02`, `${NEXT}-01-03`, `${NEXT}-01-04`];
const FIXTURE = [
  ...FIXTURE_OFF.map((date) => ({ date, kind: "holiday", name: "测试假日（虚构）" })),
  { date: `${NEXT}-01-16`, kind: "workday", name: "测试调休（虚构）" },
];

type Clock = TicketJson["slaClocks"][number] & { calendarFallback: boolean };
interface Readyz {
  status: string;
  calendar?: { status: string; coveredUntil: string | null; daysLeft: number | null; message: string };
}

describe.each(DB_KINDS)("holiday calendar (%s)", (kind) => {
  let t: TestApp;
  let admin: { id: string; token: string };
  let sup: { id: string; token: string };
  const lines: { level: number; msg: string; calendar?: { status: string } }[] = [];
  // Pinned near the end of chinese-days' data: 46 days before its last day.
  let now = sh(`${LAST}-11-15T10:00:00`);
  // The real time before the start, which armed the daily job on the real clock.
  let startedAt: Date;

  beforeAll(async () => {
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    startedAt = new Date();
    t = await startTestApp(kind, {}, { now: () => now, logger });
    admin = await createStaff(t.app, t.baseUrl, { username: "root2", role: "admin" });
    sup = await createStaff(t.app, t.baseUrl, { username: "sup", role: "supervisor", groups: ["物流配送"] });
    // Resolution of a complaint on the business calendar (09:00–18:00 on working days), 2 hours.
    const res = await staffApi(t.baseUrl, admin.token, "PUT", "/api/sla/policies/biz_resolution", {
      kind: "resolution",
      targetMinutes: 120,
      calendarId: "business",
      rank: 100,
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Moves the pinned clock; staff log in again (sessions expire on the app's clock). */
  const moveTo = async (local: string) => {
    now = sh(local);
    admin.token = await login(t.baseUrl, "root2", "staff-pass-123");
    sup.token = await login(t.baseUrl, "sup", "staff-pass-123");
  };
  const readyz = async () => {
    const res = await fetch(`${t.baseUrl}/readyz`);
    return { status: res.status, body: (await res.json()) as Readyz };
  };
  /** The fallback clock of the second test, moved when the next year is loaded in the third. */
  let fallbackTicket = "";
  const resolutionOf = async (number: string): Promise<Clock> => {
    const detail = await staffApi<TicketJson>(t.baseUrl, sup.token, "GET", `/api/tickets/${number}`);
    return (detail.body.slaClocks as Clock[]).find((c) => c.kind === "resolution")!;
  };
  const resolutionClock = async (): Promise<Clock> => {
    const created = await staffApi<TicketJson>(t.baseUrl, sup.token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "快递延误三天了",
      customerPhone: "13800138000",
    });
    expect(created.status).toBe(201);
    const detail = await staffApi<TicketJson>(t.baseUrl, sup.token, "GET", `/api/tickets/${created.body.number}`);
    const clocks = detail.body.slaClocks as Clock[];
    expect(clocks.find((c) => c.kind === "first_response")?.calendarFallback).toBe(false); // 24×7
    fallbackTicket ||= created.body.number;
    return clocks.find((c) => c.kind === "resolution")!;
  };

  it("/readyz warns (still 200, still ready) from 60 days before the data ends, and the log says so", async () => {
    const near = await readyz();
    expect(near.status).toBe(200);
    expect(near.body.status).toBe("ready");
    expect(near.body.calendar).toMatchObject({ status: "warning", coveredUntil: `${LAST}-12-31`, daysLeft: 46 });
    expect(near.body.calendar?.message).toContain(`${NEXT}`);
    // The line logged at start (then once a day by the scheduled job).
    expect(lines.filter((l) => l.level === 40 && l.calendar?.status === "warning")).toHaveLength(1);
    // The daily job is armed for the next 09:00 China time (on the scheduler's real clock).
    const daily = await t.app.db.prisma.timer.findUnique({ where: { key: "holidays:daily" } });
    const dueAt = daily?.dueAt.getTime() ?? 0;
    expect(nextCheckAt(new Date(dueAt - 1)).getTime()).toBe(dueAt); // exactly a 09:00 China time
    // The next one after a moment between the start and now (the real clock, read around it).
    expect(dueAt).toBeGreaterThanOrEqual(nextCheckAt(startedAt).getTime());
    expect(dueAt).toBeLessThanOrEqual(nextCheckAt(new Date()).getTime());

    await moveTo(`${LAST}-06-01T10:00:00`);
    const far = await readyz();
    expect(far.status).toBe(200);
    expect(far.body.calendar).toMatchObject({ status: "ok", coveredUntil: `${LAST}-12-31` });
    const before = lines.length;
    expect(t.app.holidays.dailyCheck().status).toBe("ok");
    expect(lines.slice(before).filter((l) => l.level >= 40)).toEqual([]);
  });

  it("without data for the next year a clock from 31 December 17:00 counts Monday–Friday and the statutory holidays, and is marked", async () => {
    await moveTo(`${LAST}-12-31T17:00:00`);
    const clock = await resolutionClock();
    // One working hour on 31 December, the second on the next weekday after 元旦 (the statutory
    // holiday is known without the year's notice; 调休 days are not).
    expect(clock.dueAt).toBe(sh(`${nextWeekday(`${LAST}-12-31`, [`${NEXT}-01-01`])}T10:00:00`).toISOString());
    expect(clock.calendarFallback).toBe(true);
  });

  it("with the next year loaded through the API the clock falls due after its New Year holiday, unmarked", async () => {
    // The admin loads the year while that clock runs: it moves, and is no longer marked.
    await moveTo(`${LAST}-12-31T17:30:00`);
    const put = await staffApi<{ days: unknown[] }>(t.baseUrl, admin.token, "PUT", `/api/admin/holidays/${NEXT}`, {
      source: "测试数据（虚构）",
      days: FIXTURE,
    });
    expect(put.status).toBe(200);
    expect(put.body.days).toHaveLength(5);
    const audit = await t.app.db.prisma.auditEvent.findFirst({
      where: { action: "holidays.replace", subjectId: String(NEXT) },
    });
    expect(audit).toMatchObject({ actorId: admin.id, subjectType: "holiday_year" });
    expect(audit?.data).toMatchObject({ holidays: 4, workdays: 1, source: "测试数据（虚构）" });

    const ready = await readyz();
    expect(ready.body.calendar).toMatchObject({ status: "ok", coveredUntil: `${NEXT}-12-31` });

    const afterHoliday = sh(`${nextWeekday(`${LAST}-12-31`, FIXTURE_OFF)}T10:00:00`).toISOString();
    const moved = await resolutionOf(fallbackTicket);
    expect(moved.dueAt).toBe(afterHoliday);
    expect(moved.calendarFallback).toBe(false);
    const events = await t.app.db.prisma.ticketEvent.findMany({
      where: { ticket: { number: fallbackTicket }, type: "sla.recalculated" },
    });
    expect(events).toHaveLength(1);

    await moveTo(`${LAST}-12-31T17:00:00`);
    const clock = await resolutionClock();
    expect(clock.dueAt).toBe(afterHoliday);
    expect(clock.calendarFallback).toBe(false);
  });

  it("imports a year from an ICS file; lists, reads and deletes it (audited)", async () => {
    const year = NEXT + 1;
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//kuaidi-desk//test fixture//CN",
      "BEGIN:VEVENT",
      "UID:1@test",
      `DTSTART;VALUE=DATE:${year}0101`,
      `DTEND;VALUE=DATE:${year}0103`,
      "SUMMARY:测试假日(休)",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:2@test",
      `DTSTART;VALUE=DATE:${year}0110`,
      "SUMMARY:测试假日(班)",
      "X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:3@test",
      `DTSTART;VALUE=DATE:${year + 1}0101`,
      "SUMMARY:另一年(休)",
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    const imported = await staffApi<{ days: { date: string; kind: string }[]; skipped: number }>(
      t.baseUrl,
      admin.token,
      "POST",
      `/api/admin/holidays/${year}/ics`,
      { ics, source: "test.ics" },
    );
    expect(imported.status).toBe(200);
    expect(imported.body.days.map((d) => `${d.date} ${d.kind}`)).toEqual([
      `${year}-01-01 holiday`,
      `${year}-01-02 holiday`,
      `${year}-01-10 workday`,
    ]);
    expect(imported.body.skipped).toBe(1);

    const list = await staffApi<{ loaded: { year: number; holidays: number; workdays: number }[] }>(
      t.baseUrl,
      admin.token,
      "GET",
      "/api/admin/holidays",
    );
    expect(list.body.loaded).toMatchObject([
      { year: NEXT, holidays: 4, workdays: 1 },
      { year, holidays: 2, workdays: 1, source: "test.ics" },
    ]);
    const one = await staffApi<{ days: unknown[] }>(t.baseUrl, admin.token, "GET", `/api/admin/holidays/${year}`);
    expect(one.body.days).toHaveLength(3);

    const del = await staffApi(t.baseUrl, admin.token, "DELETE", `/api/admin/holidays/${year}`);
    expect(del.status).toBe(200);
    expect(
      await t.app.db.prisma.auditEvent.count({
        where: { action: { in: ["holidays.import_ics", "holidays.delete"] }, subjectId: String(year) },
      }),
    ).toBe(2);
    const gone = await staffApi(t.baseUrl, admin.token, "DELETE", `/api/admin/holidays/${year}`);
    expect(gone.status).toBe(404);
  });

  it("bad input: 4xx with stable codes, and the loaded year is left as it was", async () => {
    const put = (year: number | string, body: unknown, token = admin.token) =>
      staffApi<{ error: { code: string } }>(t.baseUrl, token, "PUT", `/api/admin/holidays/${year}`, body);
    const day = (date: string, k = "holiday") => ({ days: [{ date, kind: k, name: "x" }] });
    const cases: [unknown, string][] = [
      [day(`${NEXT}-02-30`), "VALIDATION_FAILED"], // no such date
      [day(`${NEXT + 3}-05-01`), "VALIDATION_FAILED"], // another year
      [day(`${NEXT}-05-01`, "vacation"), "VALIDATION_FAILED"],
      [{ days: [] }, "VALIDATION_FAILED"],
      [
        {
          days: [
            { date: `${NEXT}-05-01`, kind: "holiday" },
            { date: `${NEXT}-05-01`, kind: "workday" },
          ],
        },
        "VALIDATION_FAILED",
      ],
    ];
    for (const [body, code] of cases) {
      const res = await put(NEXT, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    expect((await put("1999", day("1999-01-01"))).status).toBe(400);
    expect((await put(NEXT, day(`${NEXT}-05-01`), sup.token)).status).toBe(403);

    const ics = (text: string) =>
      staffApi<{ error: { code: string } }>(t.baseUrl, admin.token, "POST", `/api/admin/holidays/${NEXT}/ics`, {
        ics: text,
      });
    const garbage = await ics("date,kind\n2027-01-01,holiday");
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe("HOLIDAY_ICS_INVALID");
    const otherYear = await ics(
      `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:${NEXT + 5}0101\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR`,
    );
    expect(otherYear.status).toBe(400);
    expect(otherYear.body.error.code).toBe("HOLIDAY_ICS_INVALID");
    // Blank text, a BOM alone, two calendars, an unreadable DTEND: each answered 500 (ical.js threw).
    for (const text of [
      " ",
      "\ufeff",
      "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR",
      `BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:${NEXT}0101\r\nDTEND;VALUE=DATE:x\r\nEND:VEVENT\r\nEND:VCALENDAR`,
    ]) {
      const res = await ics(text);
      expect(res.status, JSON.stringify(text)).toBe(400);
      expect(res.body.error.code).toBe("HOLIDAY_ICS_INVALID");
    }

    const still = await staffApi<{ days: unknown[] }>(t.baseUrl, admin.token, "GET", `/api/admin/holidays/${NEXT}`);
    expect(still.body.days).toHaveLength(5);
  });
});

// Scale mode: each instance holds the schedule in memory; a change made on one reaches the
// others at once over the bus (Redis), not only at the next one-minute reload.
describe("holiday calendar across instances (postgres+redis)", () => {
  const apps: App[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const a of apps) await a.close();
    await drop?.();
  });

  it("a year loaded on one instance is used by the other without waiting", async () => {
    const db = await freshPostgres();
    drop = db.drop;
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
      ADMIN_PASSWORD: "admin-pass-123",
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      DEMO_DATA: "false",
    });
    const now = () => sh(`${LAST}-11-15T10:00:00`);
    for (let i = 0; i < 2; i++) {
      const app = await buildApp(config, { logger: pino({ level: "silent" }), now });
      await app.listen();
      apps.push(app);
    }
    const [a, b] = apps as [App, App];
    const urlOf = (app: App) => `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`;
    expect(b.holidays.coverage().status).toBe("warning");
    const token = await login(urlOf(a), "admin", "admin-pass-123");
    const put = await staffApi(urlOf(a), token, "PUT", `/api/admin/holidays/${NEXT}`, { days: FIXTURE });
    expect(put.status).toBe(200);
    await expect.poll(() => b.holidays.coverage().status, { timeout: 5_000 }).toBe("ok");
    expect(b.holidays.table().days.get(`${NEXT}-01-04`)).toMatchObject({ kind: "holiday" });
  });
});
