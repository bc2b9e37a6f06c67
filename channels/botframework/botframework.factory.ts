import { type Config, ConfigError } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { BotFrameworkChannel } from "./botframework.channel.js";

/** Bot Framework when MICROSOFT_APP_ID is set, or BOTFRAMEWORK_ENABLED=true (local Emulator only). */
export function botFrameworkFromConfig(config: Config, db: Db): BotFrameworkChannel | undefined {
  if (!config.MICROSOFT_APP_ID && !config.BOTFRAMEWORK_ENABLED) return undefined;
  if (config.MICROSOFT_APP_ID && !config.MICROSOFT_APP_PASSWORD)
    throw new ConfigError(["MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set"]);
  return new BotFrameworkChannel(db, {
    appId: config.MICROSOFT_APP_ID,
    appPassword: config.MICROSOFT_APP_PASSWORD,
    appTenantId: config.MICROSOFT_APP_TENANT_ID,
    retryBaseMs: config.BOTFRAMEWORK_RETRY_BASE_MS,
  });
}
