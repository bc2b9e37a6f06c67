// Issue 19: the first-response clock stops on the agent's first reply to the customer, wherever
// it is written, and a resolution nobody answered is not a first response.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";
import type { TicketJson } from "./ticket.helpers.js";

const MINUTE = 60_000;

describe.each(DB_KINDS)("first response (%s)", (kind) => {
  let t: TestApp;
  let alice: { id: string; token: string };
  // Pinned: the times written on tickets and clocks are exactly these.
  let now = new Date("2026-11-30T15:20:00.000Z");

  beforeAll(async () => {
    t = await startTestApp(kind, {}, { now: () => now });
    alice = await createStaff(t.app, t.baseUrl, { username: "alice", role: "supervisor", groups: ["logistics"] });
  });
  afterAll(async () => {
    await t?.close();
  });

  const ticket = async (number: string) =>
    (
      await staffApi<TicketJson & { firstResponseAt: string | null }>(
        t.baseUrl,
        alice.token,
        "GET",
        `/api/tickets/${number}`,
      )
    ).body;

  /** A customer in the web chat asks for a person; a complaint ticket is linked to the conversation. */
  async function complaintInChat(): Promise<{ conversationId: string; number: string }> {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("转人工");
    const identity = await t.app.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: "webchat", externalId: chat.sessionId } },
      select: { id: true },
    });
    const conv = await t.app.db.prisma.conversation.findFirstOrThrow({
      where: { identityId: identity.id },
      select: { id: true },
    });
    const created = await staffApi<TicketJson>(t.baseUrl, alice.token, "POST", "/api/tickets", {
      category: "DELAY",
      description: "快递延误三天了",
      conversationId: conv.id,
    });
    expect(created.status).toBe(201);
    return { conversationId: conv.id, number: created.body.number };
  }

  it("a reply in the conversation composer is the first response: clock met at the reply time", async () => {
    const { conversationId, number } = await complaintInChat();
    await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/take`);
    now = new Date(now.getTime() + 4 * MINUTE);
    const replyAt = now.toISOString();
    const res = await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${conversationId}/reply`, {
      text: "您好，我来帮您查",
    });
    expect(res.status).toBe(201);
    let tk = await ticket(number);
    expect(tk.firstResponseAt).toBe(replyAt);
    expect(tk.slaClocks.find((c) => c.kind === "first_response")).toMatchObject({ state: "met", metAt: replyAt });

    // Resolving later keeps the reply as the first response.
    now = new Date(now.getTime() + 10 * MINUTE);
    await staffApi(t.baseUrl, alice.token, "POST", `/api/tickets/${number}/take`);
    await staffApi(t.baseUrl, alice.token, "POST", `/api/tickets/${number}/resolve`, {
      resolution: "已催派送",
      rootCause: "non_quality",
    });
    tk = await ticket(number);
    expect(tk.status).toBe("resolved");
    expect(tk.firstResponseAt).toBe(replyAt);
  });

  it("a reply from the ticket's composer is the first response too", async () => {
    const { number } = await complaintInChat();
    now = new Date(now.getTime() + 3 * MINUTE);
    const replyAt = now.toISOString();
    await staffApi(t.baseUrl, alice.token, "POST", `/api/tickets/${number}/reply`, { text: "已为您催件" });
    const tk = await ticket(number);
    expect(tk.firstResponseAt).toBe(replyAt);
    expect(tk.slaClocks.find((c) => c.kind === "first_response")).toMatchObject({ state: "met", metAt: replyAt });
  });

  it("resolving a ticket nobody answered is not a met first response and sets no first-response time", async () => {
    const { number } = await complaintInChat();
    now = new Date(now.getTime() + 7 * MINUTE);
    await staffApi(t.baseUrl, alice.token, "POST", `/api/tickets/${number}/take`);
    const res = await staffApi(t.baseUrl, alice.token, "POST", `/api/tickets/${number}/resolve`, {
      resolution: "重复工单",
      rootCause: "non_quality",
    });
    expect(res.status).toBe(200);
    const tk = await ticket(number);
    expect(tk.firstResponseAt).toBeNull();
    const fr = tk.slaClocks.find((c) => c.kind === "first_response")!;
    expect(fr.state).toBe("stopped");
    expect(fr.metAt).toBeUndefined();
    expect(tk.slaClocks.find((c) => c.kind === "resolution")!.state).toBe("met");
  });
});
