import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS, startTestApp, type TestApp } from "../support/app.js";
import { createStaff, staffApi } from "../support/staff.js";
import { WebchatClient } from "../support/webchat-client.js";

interface Label {
  id: string;
  name: string;
  color: string;
}

// Issue 18: labels on conversations and tickets — admins keep the list, staff put them on what
// they may see, and the lists filter by label.
describe.each(DB_KINDS)("labels on %s", (kind) => {
  let t: TestApp;
  let admin: { token: string };
  let alice: { id: string; token: string };
  let bob: { token: string };
  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await createStaff(t.app, t.baseUrl, { username: "root", role: "admin" });
    alice = await createStaff(t.app, t.baseUrl, { username: "alice", displayName: "小爱", groups: ["logistics"] });
    bob = await createStaff(t.app, t.baseUrl, { username: "bob", displayName: "小波", groups: ["after_sales"] });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function queued(): Promise<string> {
    const chat = await WebchatClient.open(t.baseUrl);
    await chat.say("转人工");
    const identity = await t.app.db.prisma.channelIdentity.findFirstOrThrow({
      where: { channel: "webchat", externalId: chat.sessionId },
    });
    return (await t.app.db.prisma.conversation.findFirstOrThrow({ where: { identityId: identity.id } })).id;
  }

  it("admins define labels; staff put them on conversations and tickets they may see; lists filter by label", async () => {
    const created = await staffApi<Label>(t.baseUrl, admin.token, "POST", "/api/admin/labels", {
      name: " 加急 ",
      color: "#DC2626",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "加急", color: "#dc2626" });
    const urgent = created.body;
    const codeOf = (r: { body: unknown }) => (r.body as { error: { code: string } }).error.code;
    const dup = await staffApi(t.baseUrl, admin.token, "POST", "/api/admin/labels", { name: "加急" });
    expect([dup.status, codeOf(dup)]).toEqual([409, "LABEL_EXISTS"]);
    expect(
      (await staffApi(t.baseUrl, admin.token, "POST", "/api/admin/labels", { name: "x", color: "red" })).status,
    ).toBe(400);
    expect((await staffApi(t.baseUrl, admin.token, "POST", "/api/admin/labels", { name: "  " })).status).toBe(400);
    expect((await staffApi(t.baseUrl, alice.token, "POST", "/api/admin/labels", { name: "坐席自建" })).status).toBe(
      403,
    );
    const list = await staffApi<{ labels: Label[] }>(t.baseUrl, bob.token, "GET", "/api/labels");
    expect(list.body.labels.map((l) => l.name)).toEqual(["加急"]);

    // A conversation: labelled, found by the filter, the other queued one not.
    const [one, other] = [await queued(), await queued()];
    const put = await staffApi<{ labels: Label[] }>(
      t.baseUrl,
      alice.token,
      "PUT",
      `/api/conversations/${one}/labels/${urgent.id}`,
    );
    expect(put.status).toBe(200);
    expect(put.body.labels.map((l) => l.name)).toEqual(["加急"]);
    // Twice is still once.
    await staffApi(t.baseUrl, alice.token, "PUT", `/api/conversations/${one}/labels/${urgent.id}`);
    const filtered = await staffApi<{ conversations: { id: string; labels: Label[] }[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      `/api/conversations?label=${urgent.id}`,
    );
    expect(filtered.body.conversations.map((c) => c.id)).toEqual([one]);
    expect(filtered.body.conversations[0]!.labels.map((l) => l.name)).toEqual(["加急"]);
    const all = await staffApi<{ conversations: { id: string; labels: Label[] }[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      "/api/conversations",
    );
    expect(all.body.conversations.find((c) => c.id === other)?.labels).toEqual([]);
    expect((await staffApi(t.baseUrl, alice.token, "GET", "/api/conversations?label=urgent")).status).toBe(400);
    const unknown = await staffApi(
      t.baseUrl,
      alice.token,
      "PUT",
      `/api/conversations/${one}/labels/00000000-0000-4000-8000-000000000000`,
    );
    expect([unknown.status, codeOf(unknown)]).toEqual([404, "LABEL_NOT_FOUND"]);
    // Alice holds it now: another agent may neither see nor label it.
    await staffApi(t.baseUrl, alice.token, "POST", `/api/conversations/${one}/take`);
    const blind = await staffApi(t.baseUrl, bob.token, "DELETE", `/api/conversations/${one}/labels/${urgent.id}`);
    expect(blind.status).toBe(403);
    const detail = await staffApi<{ labels: Label[] }>(t.baseUrl, alice.token, "GET", `/api/conversations/${one}`);
    expect(detail.body.labels.map((l) => l.name)).toEqual(["加急"]);

    // A ticket in alice's group: labelled by her, not by bob (another group); filtered; taken off.
    const conv = await t.app.db.prisma.conversation.findUniqueOrThrow({ where: { id: one } });
    await t.app.db.prisma.ticket.create({
      data: {
        number: "202611-09101",
        category: "DELAY",
        description: "三天没到",
        groupCode: "logistics",
        channel: "webchat",
        customerId: conv.customerId,
        conversationId: one,
      },
    });
    const onTicket = await staffApi<{ labels: Label[] }>(
      t.baseUrl,
      alice.token,
      "PUT",
      `/api/tickets/202611-09101/labels/${urgent.id}`,
    );
    expect(onTicket.body.labels.map((l) => l.name)).toEqual(["加急"]);
    expect((await staffApi(t.baseUrl, bob.token, "PUT", `/api/tickets/202611-09101/labels/${urgent.id}`)).status).toBe(
      403,
    );
    const missing = await staffApi(t.baseUrl, alice.token, "PUT", `/api/tickets/209901-00001/labels/${urgent.id}`);
    expect([missing.status, codeOf(missing)]).toEqual([404, "TICKET_NOT_FOUND"]);
    const tickets = await staffApi<{ items: { number: string }[] }>(
      t.baseUrl,
      alice.token,
      "GET",
      `/api/tickets?label=${urgent.id}`,
    );
    expect(tickets.body.items.map((i) => i.number)).toEqual(["202611-09101"]);
    const off = await staffApi<{ labels: Label[] }>(
      t.baseUrl,
      alice.token,
      "DELETE",
      `/api/tickets/202611-09101/labels/${urgent.id}`,
    );
    expect(off.body.labels).toEqual([]);
    expect(
      (await staffApi<{ items: unknown[] }>(t.baseUrl, alice.token, "GET", `/api/tickets?label=${urgent.id}`)).body
        .items,
    ).toEqual([]);

    // Deleting the label takes it off everything.
    expect((await staffApi(t.baseUrl, admin.token, "DELETE", `/api/admin/labels/${urgent.id}`)).status).toBe(204);
    const after = await staffApi<{ labels: Label[] }>(t.baseUrl, alice.token, "GET", `/api/conversations/${one}`);
    expect(after.body.labels).toEqual([]);
    const gone = await staffApi(t.baseUrl, admin.token, "DELETE", `/api/admin/labels/${urgent.id}`);
    expect([gone.status, codeOf(gone)]).toEqual([404, "LABEL_NOT_FOUND"]);
  });
});
