import { describe, expect, it } from "vitest";
import { beijingTime, csvLine, freeText, timeColumn } from "../../src/reports/csv.format.js";

describe("CSV export format", () => {
  it("writes times in Beijing time with the offset, across the date line", () => {
    expect(beijingTime(new Date("2026-11-29T23:24:30.900Z"))).toBe("2026-11-30 07:24:30 +08:00");
    expect(beijingTime("2026-12-31T16:00:00.000Z")).toBe("2027-01-01 00:00:00 +08:00");
    expect(beijingTime(null)).toBeNull();
    expect(timeColumn("created_at")).toBe("created_at (UTC+08:00)");
  });

  it("masks every mobile number in free text like contact_phone, +86 and separators included", () => {
    expect(freeText("电话13912345678，备用 139-1234-5678，或 +86 137 1234 5678")).toBe(
      "电话139****5678，备用 139****5678，或 137****5678",
    );
    expect(freeText("运单75312345678918，座机 010-12345678")).toBe("运单75312345678918，座机 010-12345678");
    expect(freeText(null)).toBeNull();
  });

  it("masks the house number, building and room of an address in free text, keeping the city and road", () => {
    expect(freeText("地址 北京市朝阳区建国路88号，电话13912345678")).toBe(
      "地址 北京市朝阳区建国路****，电话139****5678",
    );
    expect(freeText("送到幸福小区5栋2单元301室")).toBe("送到幸福小区****");
    expect(freeText("广州市天河区体育西路103号维多利广场B座1203")).toBe("广州市天河区体育西路****维多利广场****");
    expect(freeText("杭州市西湖区文三路 478 号 华星时代广场")).toBe("杭州市西湖区文三路**** 华星时代广场");
    // Dates, ticket numbers, waybills and durations are not addresses.
    const plain = "12月3号到的，我这里3号收到，等了3天，工单号202612-00001，运单SF1438829301576，放在3楼门口";
    expect(freeText(plain)).toBe(plain);
  });

  it("quotes lone line breaks and defuses formulas in text cells only", () => {
    expect(csvLine(["a\nb", "c\rd", "=1+1", -5, "-5", null])).toBe('"a\nb","c\rd",\'=1+1,-5,\'-5,\r\n');
  });
});
