import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";

const CUSTOMER = "TESTCUSTOMER";
const KEY = "test-key";

/** A local stand-in for a Kuaidi100-style query API: checks the signature, answers per `mode`. */
class FakeAggregator {
  mode: "ok" | "slow" | "down" = "ok";
  calls: { com: string; num: string }[] = [];
  private server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const param = form.get("param") ?? "";
      const sign = createHash("md5")
        .update(param + KEY + CUSTOMER)
        .digest("hex")
        .toUpperCase();
      const { com, num } = JSON.parse(param || "{}") as { com: string; num: string };
      this.calls.push({ com, num });
      const send = (status: number, json: unknown) => {
        if (res.writableEnded) return;
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(json));
      };
      if (form.get("sign") !== sign || form.get("customer") !== CUSTOMER)
        return send(200, { result: false, returnCode: "503", message: "验证签名失败" });
      if (this.mode === "slow") return void setTimeout(() => send(200, { result: false, returnCode: "500" }), 2_000);
      if (this.mode === "down") return send(502, { message: "bad gateway" });
      if (num !== "SF5000000000019" || com !== "shunfeng")
        return send(200, { result: false, returnCode: "500", message: "查询无结果，请隔段时间再查" });
      const t = (h: number) => {
        const d = new Date(Date.now() - h * 3_600_000 + 8 * 3_600_000).toISOString();
        return `${d.slice(0, 10)} ${d.slice(11, 19)}`; // China time without offset, as the API sends it
      };
      send(200, {
        message: "ok",
        state: "5",
        status: "200",
        com,
        nu: num,
        data: [
          {
            time: t(1),
            ftime: t(1),
            context: "【成都武侯营业点】快递员李师傅正在派件",
            location: "成都市",
            status: "派件",
          },
          { time: t(9), ftime: t(9), context: "快件已到达【成都转运中心】", location: "成都市", status: "在途" },
          { time: t(30), ftime: t(30), context: "【西安营业部】已揽收", location: "西安市", status: "揽收" },
        ],
      });
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/poll/query.do`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

describe("tracking through a Kuaidi100-style aggregator (fake server on localhost)", () => {
  const fake = new FakeAggregator();
  let t: TestApp;
  beforeAll(async () => {
    const url = await fake.start();
    t = await startTestApp("pglite", {
      TRACKING_AGGREGATOR_URL: url,
      TRACKING_AGGREGATOR_CUSTOMER: CUSTOMER,
      TRACKING_AGGREGATOR_KEY: KEY,
      TRACKING_AGGREGATOR_TIMEOUT_MS: "300",
      TRACKING_AGGREGATOR_RETRIES: "1",
      TRACKING_CACHE_SECONDS: "60",
    });
  });
  afterAll(async () => {
    await t?.close();
    await fake.stop();
  });
  beforeEach(() => {
    fake.calls = [];
    fake.mode = "ok";
  });

  it("answers from the live API, caches it, and copies the events into the store", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const [answer] = await chat.say("SF5000000000019");
    expect(answer!.text).toContain("派送中");
    expect(answer!.text).toContain("李师傅正在派件");
    expect(answer!.text).not.toContain("实时查询暂时不可用");
    await chat.say("SF5000000000019");
    expect(fake.calls).toEqual([{ com: "shunfeng", num: "SF5000000000019" }]); // second answer from the cache
    const stored = await t.app.db.prisma.shipment.findFirstOrThrow({
      where: { waybill: "SF5000000000019" },
      include: { events: true },
    });
    expect(stored.carrier).toBe("SF");
    expect(stored.status).toBe("out_for_delivery");
    expect(stored.events).toHaveLength(3);
  });

  it("falls back to the store with a polite note when the API times out", async () => {
    fake.mode = "slow";
    const chat = await WebchatClient.open(t.baseUrl);
    const [answer] = await chat.say("SF1438829301583"); // a demo shipment in the store
    expect(answer!.text).toContain("实时查询暂时不可用");
    expect(answer!.text).toContain("已签收");
    expect(fake.calls).toHaveLength(2); // one retry
    const [unknown] = await chat.say("SF5999999999993");
    expect(unknown!.text).toContain("实时查询暂时不可用");
    expect(unknown!.text).toContain("SF5999999999993");
    expect(unknown!.text).not.toMatch(/派送中|已签收|运输中/);
  });

  it("opens the circuit after repeated failures and stops calling the API", async () => {
    fake.mode = "down";
    const chat = await WebchatClient.open(t.baseUrl);
    for (let i = 0; i < 6; i++) await chat.say(`SF14388293015${String(70 + i)}`);
    const callsWhenOpen = fake.calls.length;
    const [answer] = await chat.say("SF1438829301583");
    expect(fake.calls.length).toBe(callsWhenOpen);
    expect(answer!.text).toContain("实时查询暂时不可用");
    expect(answer!.text).toContain("已签收");
  });
});
