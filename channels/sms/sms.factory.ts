import { type Config, ConfigError } from "../../src/config.js";
import type { Db } from "../../src/db/client.js";
import { AliyunSmsProvider } from "./aliyun.provider.js";
import { SmsChannel } from "./sms.channel.js";
import type { SmsProvider } from "./sms.provider.js";
import { TwilioSmsProvider } from "./twilio.provider.js";

/**
 * The SMS channel when a provider is configured: SMS_PROVIDER picks one explicitly, otherwise
 * Twilio when TWILIO_ACCOUNT_SID is set, Aliyun when ALIYUN_SMS_ACCESS_KEY_ID is.
 */
export function smsFromConfig(config: Config, db: Db): SmsChannel | undefined {
  const kind =
    config.SMS_PROVIDER ??
    (config.TWILIO_ACCOUNT_SID ? "twilio" : config.ALIYUN_SMS_ACCESS_KEY_ID ? "aliyun" : undefined);
  if (!kind) return undefined;
  const need = (keys: (keyof Config)[]) => {
    const missing = keys.filter((k) => !config[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${String(k)}: required for SMS through ${kind}`));
  };
  let provider: SmsProvider;
  if (kind === "twilio") {
    need(["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"]);
    provider = new TwilioSmsProvider({
      accountSid: config.TWILIO_ACCOUNT_SID!,
      authToken: config.TWILIO_AUTH_TOKEN!,
      from: config.TWILIO_FROM!,
      apiBase: config.TWILIO_API_BASE,
    });
  } else {
    need([
      "ALIYUN_SMS_ACCESS_KEY_ID",
      "ALIYUN_SMS_ACCESS_KEY_SECRET",
      "ALIYUN_SMS_SIGN_NAME",
      "ALIYUN_SMS_TEMPLATE_CODE",
    ]);
    provider = new AliyunSmsProvider({
      accessKeyId: config.ALIYUN_SMS_ACCESS_KEY_ID!,
      accessKeySecret: config.ALIYUN_SMS_ACCESS_KEY_SECRET!,
      signName: config.ALIYUN_SMS_SIGN_NAME!,
      templateCode: config.ALIYUN_SMS_TEMPLATE_CODE!,
      apiBase: config.ALIYUN_SMS_API_BASE,
      maxContentChars: config.ALIYUN_SMS_MAX_CHARS,
    });
  }
  return new SmsChannel(db, {
    provider,
    // Inbound SMS arrive on the Twilio-compatible webhook whenever its auth token is known.
    twilioAuthToken: config.TWILIO_AUTH_TOKEN,
    publicUrl: config.publicUrl,
    rateLimit: { max: config.SMS_RATE_LIMIT_PER_MINUTE, windowSec: 60 },
    maxParts: config.SMS_MAX_PARTS,
    trustForwarded: config.TWILIO_TRUST_FORWARDED,
    twilioMedia:
      config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
        ? {
            apiBase: config.TWILIO_API_BASE,
            accountSid: config.TWILIO_ACCOUNT_SID,
            authToken: config.TWILIO_AUTH_TOKEN,
          }
        : undefined,
  });
}
