import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "./config.js";

/** Masks a mainland mobile number for logs and lists: 138****5678. */
export function maskPhone(phone: string): string {
  // "+86 137 1234 5678" is the mobile 13712345678: mask the number, not the country code.
  const digits = phone.replace(/\D/g, "").replace(/^86(?=1[3-9]\d{9}$)/, "");
  if (digits.length < 7) return "***";
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** Masks any mobile numbers inside free text (addresses and messages land in logs otherwise). */
export function maskPhonesInText(text: string): string {
  return text.replace(/(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)/g, (m) => maskPhone(m));
}

const NUM = "[0-9０-９A-Za-z一二三四五六七八九十百零〇]+(?:[-－之][0-9０-９A-Za-z]+)?";
/** A house number after a road or an estate: 建国路88号, 幸福小区3号, then its building, unit and room. */
const HOUSE = new RegExp(
  `(?<=(?:大道|大街|路|街|巷|弄|胡同|村|小区|花园|公寓|大厦|苑|家园|社区|广场))\\s*${NUM}\\s*号(?:\\s*${NUM}\\s*(?:号楼|号院|栋|幢|座|单元|楼|层|室|户|号))*(?:\\s*[0-9０-９]{2,5}(?![0-9０-９]))?`,
  "g",
);
/** Building, unit and room on their own: 5栋2单元301室, 3号楼 1202. */
const BUILDING = new RegExp(`(?:${NUM}\\s*(?:号楼|栋|幢|座|单元|室)\\s*)+(?:[0-9０-９]{2,5}(?![0-9０-９]))?`, "g");

/**
 * Masks the part of an address inside free text that finds a home — the house number after the
 * road or estate, the building, unit and room — keeping the province, city, district and road
 * (what reports group by): 北京市朝阳区建国路88号3栋502室 → 北京市朝阳区建国路****. Complaints
 * quote the address in their own words, and exports leave the system.
 */
export function maskAddressesInText(text: string): string {
  return text.replace(HOUSE, "****").replace(BUILDING, (m) => (/\s$/.test(m) ? "**** " : "****"));
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

/** Query parameters that carry a credential: web chat and staff WebSocket tokens, webhook signatures. */
const SECRET_PARAMS = /^(token|access_token|signature|msg_signature|echostr)$/i;

/**
 * A URL as it may be logged (issue 20: at debug, request logs carried WebSocket tokens and the
 * phones customers and agents searched for): credentials in the query are replaced, and every
 * other query value has its phone numbers masked.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const out: string[] = [];
  for (const [k, v] of params)
    out.push(
      `${encodeURIComponent(k)}=${SECRET_PARAMS.test(k) ? "[redacted]" : encodeURIComponent(maskPhonesInText(v))}`,
    );
  return `${url.slice(0, q)}?${out.join("&")}`;
}

/**
 * Properties drivers attach to errors that hold a statement's bound values (PGlite adds
 * `params` and `queryOptions` to every failed query: customer text, phones, addresses).
 */
const ERROR_DATA_KEYS = new Set(["params", "parameters", "queryOptions", "values", "args"]);

function stripErrorData(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== "object" || depth > 4) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (ERROR_DATA_KEYS.has(k)) out[k] = "[redacted]";
    else out[k] = typeof v === "object" ? stripErrorData(v, depth + 1) : v;
  }
  return out;
}

const serializers = {
  err: (err: Error) => stripErrorData(pino.stdSerializers.err(err)),
  // Fastify's request log (debug): its own fields, with the URL redacted.
  req: (req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

/**
 * The product's logger (main.ts via buildApp). `destination` is where JSON lines go (stdout by
 * default; tests capture it).
 */
export function createLogger(
  config: Pick<Config, "LOG_LEVEL" | "LOG_PRETTY" | "NODE_ENV">,
  destination?: DestinationStream,
): Logger {
  const pretty = !destination && (config.LOG_PRETTY ?? (process.stdout.isTTY && config.NODE_ENV !== "production"));
  const options = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers,
    ...(pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { colorize: true, translateTime: "HH:MM:ss", ignore: "pid,hostname" },
          },
        }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
