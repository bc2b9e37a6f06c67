import { describe, expect, it } from "vitest";
import { assess, limitHours, saysNotReceived } from "../../../src/tracking/care.rules.js";
import { CircuitBreaker, TtlCache } from "../../../src/tracking/circuit-breaker.js";
import { mapHeader } from "../../../src/tracking/csv.parser.js";
import { dedupeKey, normalisePhone, parseEventTime } from "../../../src/tracking/ingest.service.js";
import { normaliseStatus } from "../../../src/tracking/status.normaliser.js";
import type { TrackingResult } from "../../../src/tracking/tracking.types.js";

const HOUR = 3_600_000;
const NOW = new Date("2026-05-10T04:00:00Z"); // 12:00 in China

function shipment(over: Partial<TrackingResult>): TrackingResult {
  return {
    waybill: "SF1438829301576",
    carrier: "SF",
    status: "in_transit",
    origin: "广州市",
    destination: "上海市",
    pickedUpAt: new Date(NOW.getTime() - 10 * HOUR),
    lastEventAt: new Date(NOW.getTime() - 2 * HOUR),
    deliveredAt: null,
    events: [],
    source: "store",
    ...over,
  };
}

describe("status normaliser", () => {
  it.each([
    ["delivered", "", "delivered"],
    ["OUT-FOR-DELIVERY", "", "out_for_delivery"],
    ["3", "", "delivered"],
    ["5", "", "out_for_delivery"],
    ["501", "", "at_locker"],
    ["已签收", "", "delivered"],
    ["", "您的快件已存放至菜鸟驿站，请凭取件码取件", "at_locker"],
    ["在途", "", "in_transit"],
    ["揽收", "", "picked_up"],
    ["派件", "", "out_for_delivery"],
    ["疑难", "", "exception"],
    ["x", "快件已退回寄件人", "returned"],
    ["Delivered", "", "delivered"],
  ])("%s / %s → %s", (raw, description, expected) => {
    expect(normaliseStatus(raw, description)).toBe(expected);
  });

  it("refuses to guess", () => {
    expect(normaliseStatus("teleported", "??")).toBeUndefined();
    expect(normaliseStatus("99", "")).toBeUndefined();
  });
});

describe("proactive care", () => {
  it("inter-city limit is 72 h, same city 24 h, unknown ends get the longer one", () => {
    const limits = { sameCityHours: 24, interCityHours: 72, stuckHours: 48 };
    expect(limitHours({ origin: "深圳市", destination: "深圳市南山区" }, limits)).toBe(24);
    expect(limitHours({ origin: "深圳市", destination: "上海市" }, limits)).toBe(72);
    expect(limitHours({ origin: null, destination: "上海市" }, limits)).toBe(72);
  });

  it("a parcel within the limit gets an ETA and no warning", () => {
    const a = assess(shipment({}), NOW);
    expect(a.problems).toEqual([]);
    expect(a.eta).toEqual(new Date(NOW.getTime() + 62 * HOUR));
  });

  it("late inter-city parcel: DELAY with the overdue hours", () => {
    const a = assess(shipment({ pickedUpAt: new Date(NOW.getTime() - 80 * HOUR) }), NOW);
    expect(a.problems[0]).toMatchObject({ kind: "delayed", category: "DELAY", overdueHours: 8, limitHours: 72 });
    expect(a.eta).toBeNull();
  });

  it("same-city parcel late after 25 h", () => {
    const a = assess(
      shipment({ origin: "深圳市", destination: "深圳市", pickedUpAt: new Date(NOW.getTime() - 25 * HOUR) }),
      NOW,
    );
    expect(a.problems.map((p) => p.kind)).toEqual(["delayed"]);
  });

  it("no event for 48 h counts as stuck; 47 h does not", () => {
    expect(assess(shipment({ lastEventAt: new Date(NOW.getTime() - 48 * HOUR) }), NOW).problems[0]?.kind).toBe("stuck");
    expect(assess(shipment({ lastEventAt: new Date(NOW.getTime() - 47 * HOUR) }), NOW).problems).toEqual([]);
  });

  it("delivered, returned and locker parcels are never late or stuck", () => {
    for (const status of ["delivered", "returned", "at_locker"] as const) {
      const old = new Date(NOW.getTime() - 200 * HOUR);
      expect(assess(shipment({ status, pickedUpAt: old, lastEventAt: old }), NOW).problems).toEqual([]);
    }
  });

  it("signed but not received: LOSS, or DELIVERY_SERVICE when someone else signed", () => {
    const signed = (description: string) =>
      shipment({
        status: "delivered",
        deliveredAt: NOW,
        events: [{ time: NOW, status: "delivered", location: "上海市", description }],
      });
    expect(assess(signed("已签收，签收人：本人"), NOW, undefined, "显示签收了但是我没收到").problems[0]).toMatchObject({
      category: "LOSS",
    });
    expect(assess(signed("已签收，签收人：门卫代签"), NOW, undefined, "我没有收到啊").problems[0]).toMatchObject({
      category: "DELIVERY_SERVICE",
    });
    expect(assess(signed("已签收，签收人：本人"), NOW, undefined, "查一下").problems).toEqual([]);
  });

  it("out for delivery today → ETA today", () => {
    const a = assess(shipment({ status: "out_for_delivery", lastEventAt: new Date(NOW.getTime() - HOUR) }), NOW);
    expect(a.eta).toBe("today");
  });

  it("recognises 'not received' in Chinese and English", () => {
    for (const s of [
      "我没收到",
      "没有拿到快递",
      "显示签收但未收到",
      "I didn't get it",
      "haven't received my parcel",
      "我的快递被别人签收了",
      "谁签收的？",
      "快递员冒签",
      "it says someone else signed for it",
    ])
      expect(saysNotReceived(s), s).toBe(true);
    for (const s of ["收到了谢谢", "where is it"]) expect(saysNotReceived(s), s).toBe(false);
  });
});

describe("ingest helpers", () => {
  it("reads times without an offset as China time", () => {
    expect(parseEventTime("2026-05-10 12:00:00")?.toISOString()).toBe("2026-05-10T04:00:00.000Z");
    expect(parseEventTime("2026-05-10T12:00:00+08:00")?.toISOString()).toBe("2026-05-10T04:00:00.000Z");
    expect(parseEventTime("2026-05-10T04:00:00Z")?.toISOString()).toBe("2026-05-10T04:00:00.000Z");
    expect(parseEventTime("yesterday")).toBeUndefined();
    expect(parseEventTime("2026-13-45T99:00:00Z")).toBeUndefined();
  });

  it("the same event in another time notation has the same dedupe key", () => {
    const a = dedupeKey("SF", "SF1", parseEventTime("2026-05-10 12:00:00")!, "3", "签收");
    const b = dedupeKey("SF", "SF1", parseEventTime("2026-05-10T04:00:00Z")!, "3", "签收");
    expect(a).toBe(b);
  });

  it("normalises mainland mobiles and refuses junk", () => {
    expect(normalisePhone("+86 138-0013-8000")).toBe("13800138000");
    expect(normalisePhone("0755-12345678")).toBe("075512345678");
    expect(normalisePhone("call me")).toBeUndefined();
  });
});

describe("CSV header", () => {
  it("maps English and Chinese headers and names missing columns", () => {
    expect(mapHeader(["\uFEFF运单号", "时间", "状态", "描述"]).missing).toEqual([]);
    expect(mapHeader(["waybill", "status"]).missing).toEqual(["time", "description"]);
  });
});

describe("circuit breaker and cache", () => {
  it("opens after the threshold, admits one trial when the window passes, closes on success", () => {
    let now = 0;
    const b = new CircuitBreaker(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(b.allow()).toBe(true);
      b.failure();
    }
    expect(b.allow()).toBe(false);
    now = 1000;
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // one trial at a time
    b.failure();
    expect(b.state).toBe("open");
    now = 2000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe("closed");
  });

  it("expires entries and stays bounded", () => {
    let now = 0;
    const c = new TtlCache<number>(100, 2, () => now);
    c.set("a", 1);
    c.set("b", 2);
    c.set("c", 3);
    expect(c.get("a")).toBeUndefined();
    expect(c.get("c")).toBe(3);
    now = 100;
    expect(c.get("c")).toBeUndefined();
  });
});
