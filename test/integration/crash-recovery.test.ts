import { afterAll, describe, expect, it } from "vitest";
import { freshServerEnv, startServerProcess } from "../support/process.js";
import { WebchatClient } from "../support/webchat-client.js";

// The server is killed with SIGKILL after storing an inbound message and before its turn:
// after a restart the message is still there and gets its answer (architecture.md).
describe.each(["pglite", "postgres"] as const)("crash mid-turn on %s", (kind) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("the inbound message survives SIGKILL and is answered after restart", async () => {
    const env = await freshServerEnv(kind, cleanups);

    const doomed = await startServerProcess({ ...env, FAULT_INJECT: "crash_after_inbound_store" });
    cleanups.push(() => void doomed.kill("SIGKILL"));
    const chat = await WebchatClient.open(doomed.baseUrl);
    await expect(chat.say("你好，我想查快递")).rejects.toThrow();
    await doomed.kill("SIGKILL");
    expect(doomed.child.signalCode).toBe("SIGKILL");

    const revived = await startServerProcess(env);
    cleanups.push(async () => void (await revived.kill("SIGTERM")));
    const again = new WebchatClient(revived.baseUrl, chat.sessionId, chat.token);
    const history = await again.history();
    expect(history[0]).toMatchObject({ direction: "in", text: "你好，我想查快递" });
    expect(history.length).toBeGreaterThanOrEqual(2);
    expect(history[1]!.direction).toBe("out");
    expect(history[1]!.text.length).toBeGreaterThan(0);

    // And it keeps working after the restart.
    const replies = await again.say("谢谢");
    expect(replies.length).toBeGreaterThan(0);
    expect(await revived.kill("SIGTERM")).toBe(0);
  });
});
