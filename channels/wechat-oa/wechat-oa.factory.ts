import type { Logger } from "pino";
import { type Config, ConfigError } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { WechatApiClient } from "./wechat-api.client.js";
import { WechatOfficialAccountChannel } from "./wechat-oa.channel.js";

/** The Official Account channel when WECHAT_TOKEN is set (app id and secret are then required). */
export function wechatOaFromConfig(config: Config, db: Db, log: Logger): WechatOfficialAccountChannel | undefined {
  if (!config.WECHAT_TOKEN) return undefined;
  const missing = (["WECHAT_APP_ID", "WECHAT_APP_SECRET"] as const).filter((k) => !config[k]);
  if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required when WECHAT_TOKEN is set`));
  const api = new WechatApiClient(
    db,
    { appId: config.WECHAT_APP_ID!, appSecret: config.WECHAT_APP_SECRET!, baseUrl: config.WECHAT_API_BASE },
    log.child({ component: "wechat-api" }),
  );
  return new WechatOfficialAccountChannel(
    db,
    {
      token: config.WECHAT_TOKEN,
      appId: config.WECHAT_APP_ID!,
      aesKey: config.WECHAT_AES_KEY,
      allowPlain: config.WECHAT_ALLOW_PLAIN ?? false,
      passiveWindowMs: config.WECHAT_PASSIVE_WINDOW_MS,
    },
    api,
  );
}
