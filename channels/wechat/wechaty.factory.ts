import type { onRequestAsyncHookHandler } from "fastify";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import type { OutboxService } from "../../src/outbox/outbox.service.js";
import { WechatyChannel } from "./wechaty.channel.js";

/** The Wechaty channel when WECHATY_PUPPET names a puppet package. */
export function wechatyFromConfig(
  config: Config,
  db: Db,
  outbox: OutboxService,
  adminGuard: onRequestAsyncHookHandler,
): WechatyChannel | undefined {
  if (!config.WECHATY_PUPPET) return undefined;
  return new WechatyChannel(db, outbox, {
    puppet: config.WECHATY_PUPPET,
    puppetToken: config.WECHATY_PUPPET_SERVICE_TOKEN,
    name: config.WECHATY_NAME,
    adminGuard,
  });
}
