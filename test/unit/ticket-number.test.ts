import { describe, expect, it } from "vitest";
import { formatTicketNumber, isTicketNumber, periodOf } from "../../src/tickets/ticket-number.js";

// 001 第八条: the number is year, month, serial; the serial restarts every month, and the
// month is the company's (Asia/Shanghai, UTC+8), not the server's.
describe("ticket number period", () => {
  it.each([
    ["2026-01-31T15:59:59.999Z", "202601"], // 31 Jan 23:59:59.999 in Shanghai
    ["2026-01-31T16:00:00.000Z", "202602"], // 1 Feb 00:00 in Shanghai, still 31 Jan in UTC
    ["2025-12-31T15:59:59.999Z", "202512"],
    ["2025-12-31T16:00:00.000Z", "202601"], // the year turns too
    ["2026-02-28T16:00:00.000Z", "202603"],
  ])("%s falls in %s", (instant, period) => {
    expect(periodOf(new Date(instant))).toBe(period);
  });

  it("formats five digits, more past 99,999, and refuses what is not a number", () => {
    expect(formatTicketNumber("202602", 1)).toBe("202602-00001");
    expect(formatTicketNumber("202602", 99_999)).toBe("202602-99999");
    expect(formatTicketNumber("202602", 100_000)).toBe("202602-100000");
    expect(() => formatTicketNumber("20262", 1)).toThrow(/YYYYMM/);
    expect(() => formatTicketNumber("202602", 0)).toThrow(/positive/);
    expect(() => formatTicketNumber("202602", 1.5)).toThrow(/positive/);
    expect(isTicketNumber("202602-00001")).toBe(true);
    expect(isTicketNumber("202602-0001")).toBe(false);
    expect(isTicketNumber("x202602-00001")).toBe(false);
  });
});
