import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { hostileNumber, hostileString } from "../support/fuzz.js";
import { api, staffLogin } from "./ticket.helpers.js";

// Monday 2026-11-30 11:30 in Shanghai.
const NOW = new Date("2026-11-30T03:30:00Z");

type OutletJson = {
  code: string;
  name: string;
  regions: { code: string; name: string }[];
  groupCode: string | null;
  shipments: { month: string; shipments: number }[];
};
type RowError = { line: number; column: string | null; code: string };
type ErrorJson = { error: { code: string; details?: { errors?: RowError[]; reason?: string; total?: number } } };

// Issue 23: outlets (网点) an admin imports from CSV; complaints get the outlet their parcel's tracking
// names and go to the outlet's agent group; the summary ranks outlets by complaints per 10,000 parcels.
describe.each(DB_KINDS)("outlets (网点) on %s (issue 23)", (kind) => {
  let t: TestApp;
  let admin: { token: string };

  beforeAll(async () => {
    t = await startTestApp(kind, { DEMO_DATA: "false" }, { now: () => NOW });
    admin = await staffLogin(t.app, t.baseUrl, "outlet-admin", "admin");
    await t.app.db.prisma.group.create({
      data: { code: "outlet_hz", nameZh: "杭州网点客服", nameEn: "Hangzhou outlets" },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const upload = async (body: string | Buffer, token = admin.token, type = "text/csv") => {
    const res = await fetch(`${t.baseUrl}/api/admin/outlets/import`, {
      method: "POST",
      headers: { "content-type": type, authorization: `Bearer ${token}` },
      body: typeof body === "string" ? body : new Blob([new Uint8Array(body)]),
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Record<string, unknown> & ErrorJson };
  };
  const outletCount = () => t.app.db.prisma.outlet.count();

  it("an admin imports outlets with Chinese headers, regions by name or code, a group and monthly parcels", async () => {
    const csv =
      "\uFEFF网点编码,网点名称,地区,客服组,月份,件量\r\n" +
      'HZ001,杭州西湖网点,杭州市,outlet_hz,2026-11,"30,000"\r\n' +
      "HZ001,,,,2026-10,28000\r\n" +
      'BJ001,"北京朝阳网点",110000;河北省,,2026-11,20000\r\n' +
      "SZ001,苏州𠮷祥网点,320500,,,\r\n"; // a 4-byte character in the name; no parcels known
    const res = await upload(csv);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rows: 4, created: 3, updated: 0, months: 3 });
    const list = await api<{ total: number; outlets: OutletJson[] }>(t.baseUrl, "GET", "/api/outlets", admin.token);
    expect(list.body.total).toBe(3);
    expect(list.body.outlets.find((o) => o.code === "HZ001")).toEqual({
      code: "HZ001",
      name: "杭州西湖网点",
      regions: [{ code: "330100", name: "浙江省杭州市" }],
      groupCode: "outlet_hz",
      shipments: [
        { month: "2026-11", shipments: 30000 },
        { month: "2026-10", shipments: 28000 },
      ],
    });
    expect(list.body.outlets.find((o) => o.code === "BJ001")?.regions.map((r) => r.code)).toEqual(["110000", "130000"]);
    expect(list.body.outlets.find((o) => o.code === "SZ001")?.name).toBe("苏州𠮷祥网点");
    // The same file again updates, creates nothing; a changed count replaces the month's.
    const again = await upload(csv.replace('"30,000"', "31000"));
    expect(again.body).toMatchObject({ created: 0, updated: 3 });
    expect((await api<OutletJson>(t.baseUrl, "GET", "/api/outlets/HZ001", admin.token)).body.shipments[0]).toEqual({
      month: "2026-11",
      shipments: 31000,
    });
    await upload(csv); // back to 30,000 for the report below
  });

  it("bad rows: each reported with its line, column and code, and nothing of the file is stored", async () => {
    const before = await outletCount();
    const csv =
      "code,name,regions,group,month,shipments\n" +
      "OK001,一个好网点,330100,,2026-11,100\n" + // good, but must not be stored
      ",无编码网点,,,,\n" + // line 3
      "BAD 1,空格编码,,,,\n" + // line 4
      "OK002,,,,,\n" + // line 5: no name
      "OK003,杭洲网点,杭洲,,,\n" + // line 6: misspelt region
      "OK004,网点,330100,no_such_group,,\n" + // line 7
      "OK005,网点,,,2026-13,5\n" + // line 8
      "OK006,网点,,,2026-11,99999999999999999999\n" + // line 9: huge
      "OK007,网点,,,,-5\n" + // line 10: negative, and no month
      "OK008,网点,,,2026-11\n" + // line 11: a field short
      '"OK009","多行\n名称",,,2026-11,1\n' + // lines 12–13: a quoted newline is fine
      "OK001,另一个名称,,,2026-10,1\n" + // line 14: OK001 named differently
      "OK001,,,,2026-11,7\n"; // line 15: OK001 2026-11 twice
    const res = await upload(csv);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("OUTLET_IMPORT_INVALID");
    expect(res.body.error.details?.errors?.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, "code", "CODE_REQUIRED"],
      [4, "code", "CODE_INVALID"],
      [5, "name", "NAME_REQUIRED"],
      [6, "regions", "REGION_UNKNOWN"],
      [7, "group", "GROUP_UNKNOWN"],
      [8, "month", "MONTH_INVALID"],
      [9, "shipments", "SHIPMENTS_INVALID"],
      [10, "shipments", "SHIPMENTS_INVALID"],
      [10, "month", "SHIPMENTS_WITHOUT_MONTH"],
      [11, null, "COLUMN_COUNT"],
      [14, "name", "NAME_CONFLICT"],
      [15, "month", "DUPLICATE_MONTH"],
    ]);
    expect(await outletCount()).toBe(before);
    expect(await t.app.db.prisma.outlet.findUnique({ where: { code: "OK001" } })).toBeNull();
  });

  it("unreadable files: 400 with the reason; NUL and bytes that are not UTF-8 are row errors; GBK when named", async () => {
    expect((await upload("name,regions\nx,y\n")).body.error).toMatchObject({
      code: "OUTLET_FILE_INVALID",
      details: { reason: "HEADER_MISSING" },
    });
    expect((await upload('code,name\n"HZ9,unclosed\n')).body.error).toMatchObject({
      code: "OUTLET_FILE_INVALID",
      details: { reason: "CSV_MALFORMED" },
    });
    expect((await upload("code,name\n")).body.error.details?.reason).toBe("NO_ROWS");
    expect((await upload("", admin.token)).status).toBe(400);
    expect((await upload("code,name\nA,b\n", admin.token, "text/csv; charset=latin9")).body.error.details?.reason).toBe(
      "CHARSET_UNSUPPORTED",
    );
    // NUL in a cell; an encoded lone surrogate (CESU bytes ED A0 80) is not UTF-8.
    const bytes = Buffer.concat([
      Buffer.from("code,name\nN1,有\u0000网点\nN2,"),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from("网点\n"),
    ]);
    const bad = await upload(bytes);
    expect(bad.body.error.details?.errors?.map((e) => [e.line, e.code])).toEqual([
      [2, "TEXT_UNSTORABLE"],
      [3, "ENCODING_INVALID"],
    ]);
    // Excel's Chinese CSV is GBK: 杭州网点 = BA BC D6 DD CD F8 B5 E3.
    const gbk = Buffer.concat([
      Buffer.from("code,name\nGBK1,"),
      Buffer.from([0xba, 0xbc, 0xd6, 0xdd, 0xcd, 0xf8, 0xb5, 0xe3]),
      Buffer.from("\n"),
    ]);
    expect((await upload(gbk, admin.token, "text/csv; charset=gbk")).status).toBe(200);
    expect((await api<OutletJson>(t.baseUrl, "GET", "/api/outlets/GBK1", admin.token)).body.name).toBe("杭州网点");
    // JSON is not a CSV file.
    expect((await upload("{}", admin.token, "application/json")).status).toBe(415);
  });

  it("only admins import; staff read the list; agents and supervisors get 403", async () => {
    const agent = await staffLogin(t.app, t.baseUrl, "outlet-agent", "agent", ["logistics"]);
    const sup = await staffLogin(t.app, t.baseUrl, "outlet-sup", "supervisor");
    expect((await upload("code,name\nX1,x\n", agent.token)).status).toBe(403);
    expect((await upload("code,name\nX1,x\n", sup.token)).status).toBe(403);
    expect((await api(t.baseUrl, "GET", "/api/outlets?q=杭州", agent.token)).status).toBe(200);
    expect((await api(t.baseUrl, "PATCH", "/api/admin/outlets/HZ001", sup.token, { groupCode: null })).status).toBe(
      403,
    );
  });

  it("fuzz: hostile cells (NUL, lone surrogates, 4-byte characters, empty, huge numbers) — never 5xx, never half stored", async () => {
    const cell = fc.oneof(hostileString, hostileNumber).map((s) => `"${s.replaceAll('"', '""')}"`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell, cell, cell, cell, cell), { minLength: 1, maxLength: 8 }),
        async (rows) => {
          const before = await outletCount();
          const csv = `code,name,regions,group,month,shipments\n${rows.map((r) => r.join(",")).join("\n")}\n`;
          const res = await upload(csv);
          expect(res.status === 200 || res.status === 400).toBe(true);
          if (res.status === 400) {
            expect(["OUTLET_IMPORT_INVALID", "OUTLET_FILE_INVALID"]).toContain(res.body.error.code);
            expect(await outletCount()).toBe(before);
          }
        },
      ),
      { numRuns: 40, seed: 23 },
    );
  });

  it("a complaint about a parcel at an outlet gets that outlet and goes to its agent group; agents set or clear it", async () => {
    await t.app.tracking.ingest.ingest(
      [
        {
          waybill: "SF2300000000001",
          carrier: "SF",
          time: "2026-11-29T09:00:00+08:00",
          status: "in_transit",
          description: "快件已到达【杭州转运中心】",
        },
        {
          waybill: "SF2300000000001",
          carrier: "SF",
          time: "2026-11-30T08:00:00+08:00",
          status: "out_for_delivery",
          location: "浙江省杭州市",
          description: "【杭州西湖网点】正在派件",
        },
      ],
      NOW,
    );
    type Placed = { number: string; groupCode: string; outlet: { code: string; name: string } | null };
    const made = await api<Placed>(t.baseUrl, "POST", "/api/tickets", admin.token, {
      category: "DELAY",
      description: "派件员一直不送",
      customerPhone: "13800002301",
      waybill: "SF2300000000001",
    });
    expect(made.status).toBe(201);
    expect(made.body.outlet).toEqual({ code: "HZ001", name: "杭州西湖网点" });
    expect(made.body.groupCode).toBe("outlet_hz");
    const shown = await api<Placed>(t.baseUrl, "GET", `/api/tickets/${made.body.number}`, admin.token);
    expect(shown.body.outlet).toEqual({ code: "HZ001", name: "杭州西湖网点" });

    // No outlet in the tracking: none, ordinary routing; the agent sets it.
    const plain = await api<Placed>(t.baseUrl, "POST", "/api/tickets", admin.token, {
      category: "DELAY",
      description: "没有物流",
      customerPhone: "13800002302",
    });
    expect(plain.body).toMatchObject({ outlet: null, groupCode: "logistics" });
    const put = (outlet: unknown) =>
      api<Placed & ErrorJson>(t.baseUrl, "PUT", `/api/tickets/${plain.body.number}/place`, admin.token, { outlet });
    expect((await put("BJ001")).body.outlet).toEqual({ code: "BJ001", name: "北京朝阳网点" });
    const unknown = await put("NOPE");
    expect([unknown.status, unknown.body.error.code]).toEqual([400, "OUTLET_UNKNOWN"]);
    expect((await put(null)).body.outlet).toBeNull();
    expect((await put("BJ001")).body.outlet?.code).toBe("BJ001");
  });

  it("at resolution the agent sets the root cause (001 第五条) and the responsible outlet; both are checked and shown", async () => {
    type Resolved = {
      number: string;
      status: string;
      rootCause: string | null;
      outlet: { code: string } | null;
      events: { type: string; data: Record<string, unknown> }[];
    };
    const made = await api<Resolved>(t.baseUrl, "POST", "/api/tickets", admin.token, {
      category: "DAMAGE",
      description: "外箱压坏了",
      customerPhone: "13800002303",
    });
    expect(made.body.outlet).toBeNull();
    const path = `/api/tickets/${made.body.number}`;
    expect((await api(t.baseUrl, "POST", `${path}/take`, admin.token, {})).status).toBe(200);
    const resolve = (body: Record<string, unknown>) =>
      api<Resolved & ErrorJson>(t.baseUrl, "POST", `${path}/resolve`, admin.token, {
        resolution: "已赔付并致歉",
        ...body,
      });
    const unknown = await resolve({ rootCause: "quality", outlet: "NOPE" });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, "OUTLET_UNKNOWN"]);
    // 001 第五条: a person resolving a complaint classifies it (the console asks the same).
    const noCause = await resolve({ outlet: "HZ001" });
    expect([noCause.status, noCause.body.error.code]).toEqual([400, "ROOT_CAUSE_REQUIRED"]);
    const badCause = await resolve({ rootCause: "weather", outlet: "HZ001" });
    expect([badCause.status, badCause.body.error.code]).toEqual([400, "VALIDATION_FAILED"]);
    expect((await api<Resolved>(t.baseUrl, "GET", path, admin.token)).body).toMatchObject({
      status: "open",
      rootCause: null,
      outlet: null,
    });
    const done = await resolve({ rootCause: "quality", outlet: "HZ001" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "resolved", rootCause: "quality", outlet: { code: "HZ001" } });
    expect(done.body.events.find((e) => e.type === "resolved")?.data).toMatchObject({
      rootCause: "quality",
      outlet: "HZ001",
    });
  });

  it("the summary ranks outlets by complaints and per 10,000 parcels; the CSV export carries the outlet", async () => {
    const sup = await staffLogin(t.app, t.baseUrl, "outlet-sup2", "supervisor");
    type ByOutlet = {
      outlets: {
        code: string;
        name: string;
        total: number;
        quality: number;
        nonQuality: number;
        shipments: number | null;
        ratePer10k: number | null;
      }[];
      unknown: number;
    };
    type RootCauses = { quality: number; nonQuality: number; unset: number };
    const month = await api<{ complaints: { total: number; byOutlet: ByOutlet; byRootCause: RootCauses } }>(
      t.baseUrl,
      "GET",
      "/api/reports/summary?from=2026-11-01&to=2026-11-30",
      sup.token,
    );
    const by = month.body.complaints.byOutlet;
    // HZ001: 2 complaints (one resolved as a quality fault) in 30,000 parcels; BJ001: 1 in 20,000;
    // SZ001 and GBK1: no complaints, no parcels known.
    expect(by.outlets.find((o) => o.code === "HZ001")).toEqual({
      code: "HZ001",
      name: "杭州西湖网点",
      total: 2,
      quality: 1,
      nonQuality: 0,
      shipments: 30000,
      shipmentsFrom: "import",
      ratePer10k: 0.67,
    });
    expect(by.outlets.map((o) => o.code)).toEqual(["HZ001", "BJ001"]); // most complaints first
    expect(by.outlets.find((o) => o.code === "BJ001")).toMatchObject({ total: 1, shipments: 20000, ratePer10k: 0.5 });
    expect(month.body.complaints.byRootCause).toEqual({
      quality: 1,
      nonQuality: 0,
      unset: month.body.complaints.total - 1,
    });
    expect(by.outlets.find((o) => o.code === "SZ001")).toBeUndefined();
    expect(by.unknown).toBe(month.body.complaints.total - 3);
    // One day of November: 1/30 of the month's parcels.
    const day = await api<{ complaints: { byOutlet: ByOutlet } }>(
      t.baseUrl,
      "GET",
      "/api/reports/summary?from=2026-11-30&to=2026-11-30",
      sup.token,
    );
    expect(day.body.complaints.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({
      shipments: 1000,
      ratePer10k: 20,
    });
    // Into December, which has no count: parcels unknown, no rate.
    const across = await api<{ complaints: { byOutlet: ByOutlet } }>(
      t.baseUrl,
      "GET",
      "/api/reports/summary?from=2026-11-30&to=2026-12-01",
      sup.token,
    );
    expect(across.body.complaints.byOutlet.outlets.find((o) => o.code === "HZ001")).toMatchObject({
      total: 2,
      shipments: null,
      ratePer10k: null,
    });

    const csv = await (
      await fetch(`${t.baseUrl}/api/reports/export/tickets.csv?from=2026-11-30&to=2026-11-30`, {
        headers: { authorization: `Bearer ${sup.token}` },
      })
    ).text();
    const lines = csv.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toMatch(/,outlet_code,outlet$/);
    expect(lines.find((l) => l.includes("派件员一直不送"))).toMatch(/,HZ001,杭州西湖网点$/);
  });

  it("a tracking location that says more than an outlet's name, or an agent's part of one, finds it; several fitting ones are asked about", async () => {
    await t.app.tracking.ingest.ingest(
      [
        {
          waybill: "SF2300000000002",
          carrier: "SF",
          time: "2026-11-30T08:00:00+08:00",
          status: "out_for_delivery",
          location: "杭州西湖区文三路网点",
          description: "快件正在派送",
        },
        {
          waybill: "SF2300000000003",
          carrier: "SF",
          time: "2026-11-30T08:00:00+08:00",
          status: "in_transit",
          description: "快件已到达【杭州转运中心】",
        },
      ],
      NOW,
    );
    type Placed = { number: string; groupCode: string; outlet: { code: string } | null };
    const open = (waybill: string | undefined, phone: string) =>
      api<Placed>(t.baseUrl, "POST", "/api/tickets", admin.token, {
        category: "DELAY",
        description: "一直没送到",
        customerPhone: phone,
        ...(waybill ? { waybill } : {}),
      });
    const fuzzy = await open("SF2300000000002", "13800002311");
    expect(fuzzy.body).toMatchObject({ outlet: { code: "HZ001" }, groupCode: "outlet_hz" });
    // A transfer centre that is no outlet: no outlet (its city is still found).
    expect((await open("SF2300000000003", "13800002312")).body.outlet).toBeNull();

    await t.app.db.prisma.outlet.createMany({
      data: [
        { code: "NB001", name: "宁波江北网点", regionCodes: ["330200"] },
        { code: "NB002", name: "宁波江东营业部", regionCodes: ["330200"] },
      ],
    });
    const plain = await open(undefined, "13800002313");
    const put = (outlet: unknown) =>
      api<Placed & { error: { code: string; details?: { candidates?: { code: string }[] } } }>(
        t.baseUrl,
        "PUT",
        `/api/tickets/${plain.body.number}/place`,
        admin.token,
        { outlet },
      );
    const ambiguous = await put("宁波");
    expect([ambiguous.status, ambiguous.body.error.code]).toEqual([400, "OUTLET_AMBIGUOUS"]);
    expect(ambiguous.body.error.details?.candidates?.map((c) => c.code).sort()).toEqual(["NB001", "NB002"]);
    expect((await put("江北")).body.outlet?.code).toBe("NB001");
    expect((await put("宁波江东营业部")).body.outlet?.code).toBe("NB002");
    expect((await put("苏州园区")).body.error.code).toBe("OUTLET_UNKNOWN");
    await t.app.db.prisma.outlet.deleteMany({ where: { code: { in: ["NB001", "NB002"] } } });
  });

  it("an outlet set later moves a complaint nobody holds to the outlet's group, audited; one an agent holds stays", async () => {
    type Placed = { number: string; groupCode: string; assignee: unknown; outlet: { code: string } | null };
    const open = (phone: string) =>
      api<Placed>(t.baseUrl, "POST", "/api/tickets", admin.token, {
        category: "DELAY",
        description: "快件一直不动",
        customerPhone: phone,
      });
    const free = await open("13800002321");
    expect(free.body.groupCode).toBe("logistics");
    const moved = await api<Placed & { events: { type: string; data: Record<string, unknown> }[] }>(
      t.baseUrl,
      "PUT",
      `/api/tickets/${free.body.number}/place`,
      admin.token,
      { outlet: "HZ001" },
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ groupCode: "outlet_hz", outlet: { code: "HZ001" } });
    expect(moved.body.events.find((e) => e.type === "transferred")?.data).toMatchObject({
      fromGroup: "logistics",
      toGroup: "outlet_hz",
      reason: "outlet",
      outlet: "HZ001",
    });
    const audit = await t.app.db.prisma.auditEvent.findFirst({
      where: { action: "ticket.place_corrected" },
      orderBy: { at: "desc" },
    });
    expect(audit?.data).toMatchObject({ fromGroup: "logistics", toGroup: "outlet_hz" });

    const held = await open("13800002322");
    expect((await api(t.baseUrl, "POST", `/api/tickets/${held.body.number}/take`, admin.token, {})).status).toBe(200);
    const kept = await api<Placed>(t.baseUrl, "PUT", `/api/tickets/${held.body.number}/place`, admin.token, {
      outlet: "HZ001",
    });
    expect(kept.body).toMatchObject({ groupCode: "logistics", outlet: { code: "HZ001" } });
  });
});
