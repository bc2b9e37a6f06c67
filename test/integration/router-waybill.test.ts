import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { WebchatClient } from "../support/webchat-client.js";

// A message with a waybill that the intent engine is unsure about is answered by looking the
// parcel up, not with a clarifying question; a late parcel then gets the complaint offer.
describe("unsure messages that carry a waybill", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp("pglite");
  });
  afterAll(async () => {
    await t?.close();
  });

  it("looks the parcel up and offers a complaint when it is late", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("SF1438829301590 怎么还没到");
    const text = replies.map((r) => r.text).join("\n");
    expect(text).toContain("SF1438829301590");
    expect(text).not.toContain("不太确定");
    expect(replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.title)).toContain("我要投诉");
  });

  it("without a waybill the bot asks instead of guessing", async () => {
    const chat = await WebchatClient.open(t.baseUrl);
    const replies = await chat.say("我的快递怎么还没到");
    // Either a clarifying question with choices, or a request for the waybill number.
    expect(replies.map((r) => r.text).join("\n")).toMatch(/不太确定|运单号|单号/);
    expect(replies.flatMap((r) => r.quickReplies ?? []).length).toBeGreaterThan(0);
  });
});
