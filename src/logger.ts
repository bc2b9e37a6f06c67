import pino, { type Logger } from "pino";
import type { Config } from "./config.js";

/** Masks a mainland mobile number for logs and lists: 138****5678. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  if (digits.length < 7) return "***";
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Masks any mobile numbers inside free text (addresses and messages land in logs otherwise). */
export function maskPhonesInText(text: string): string {
  return text.replace(/(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g, (m) => maskPhone(m));
}

// PII never reaches the log: phone numbers, addresses, message text, secrets.
const REDACT = [
  "phone",
  "*.phone",
  "contactPhone",
  "*.contactPhone",
  "address",
  "*.address",
  "text",
  "*.text",
  "password",
  "*.password",
  "token",
  "*.token",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-signature"]',
];

export function createLogger(config: Pick<Config, "LOG_LEVEL" | "LOG_PRETTY" | "NODE_ENV">): Logger {
  const pretty = config.LOG_PRETTY ?? (process.stdout.isTTY && config.NODE_ENV !== "production");
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: REDACT, censor: "[redacted]" },
    ...(pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { colorize: true, translateTime: "HH:MM:ss", ignore: "pid,hostname" },
          },
        }
      : {}),
  });
}
