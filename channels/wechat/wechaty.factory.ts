import type { onRequestAsyncHookHandler } from "fastify";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import type { OutboxService } from "../../src/outbox/outbox.service.js";
import type { WechatyChannel } from "./wechaty.channel.js";

/**
 * The Wechaty channel when WECHATY_PUPPET names a puppet package. Wechaty (gRPC, image and
 * RxJS stacks) is imported only then, so the default start-up does not load it.
 */
export async function wechatyFromConfig(
  config: Config,
  db: Db,
  outbox: OutboxService,
  adminGuard: onRequestAsyncHookHandler,
): Promise<WechatyChannel | undefined> {
  if (!config.WECHATY_PUPPET) return undefined;
  const { WechatyChannel } = await import("./wechaty.channel.js");
  return new WechatyChannel(db, outbox, {
    puppet: config.WECHATY_PUPPET,
    puppetToken: config.WECHATY_PUPPET_SERVICE_TOKEN,
    name: config.WECHATY_NAME,
    adminGuard,
  });
}
