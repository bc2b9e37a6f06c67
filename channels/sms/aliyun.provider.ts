import { createHmac, randomUUID } from "node:crypto";
import { type SmsProvider, SmsSendError, type SmsSendRequest } from "./sms.provider.js";

/** RFC 3986 percent-encoding as Aliyun's RPC signature wants it (space %20, * %2A, ~ kept). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Aliyun RPC (POP v1) signature: HMAC-SHA1 with key `secret&` over
 * `METHOD&%2F&percentEncode(canonicalised query)`, where the query is every parameter
 * sorted by name, each name and value percent-encoded; base64.
 */
export function aliyunRpcSignature(secret: string, method: "GET" | "POST", params: Record<string, string>): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? "")}`)
    .join("&");
  const stringToSign = `${method}&${percentEncode("/")}&${percentEncode(canonical)}`;
  return createHmac("sha1", `${secret}&`).update(stringToSign, "utf8").digest("base64");
}

export interface AliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved signature (签名), shown as 【…】 at the start of every SMS. */
  signName: string;
  /** An approved template whose text is `${content}`: mainland gateways only send templates. */
  templateCode: string;
  /**
   * The most characters the template's variable may carry (ALIYUN_SMS_MAX_CHARS): the limit the
   * template was approved with in the Aliyun console. Longer texts go as numbered parts.
   */
  maxContentChars?: number | undefined;
  /** Template variable that carries the reply text. */
  templateParam?: string;
  /** https://dysmsapi.aliyuncs.com by default; a fake server in tests. */
  apiBase: string;
  regionId?: string;
  timeoutMs?: number;
}

/**
 * A long SMS (长短信) is at most 500 characters including the 【签名】 and the template's own text;
 * 300 leaves room for both. Operators set their template's real limit.
 */
export const ALIYUN_DEFAULT_CONTENT_CHARS = 300;

/** Codes where resending the same request cannot help. */
const PERMANENT_CODES = new Set([
  "isv.MOBILE_NUMBER_ILLEGAL",
  "isv.MOBILE_COUNT_OVER_LIMIT",
  "isv.BLACK_KEY_CONTROL_LIMIT",
  "isv.PARAM_LENGTH_LIMIT",
  "isv.TEMPLATE_MISSING_PARAMETERS",
  "isv.INVALID_PARAMETERS",
  "isv.INVALID_JSON_PARAM",
]);
/** The recipient replied TD/退订 to this signature: the gateway refuses. */
const OPTED_OUT_CODES = new Set(["isv.DENY_IP_RANGE_UNSUBSCRIBE", "isv.UNSUBSCRIBED", "isv.BLACK_LIST"]);

/** Outbound SMS through Aliyun's Dysmsapi SendSms (signed RPC API). */
export class AliyunSmsProvider implements SmsProvider {
  readonly name = "aliyun";
  readonly maxMessageChars: number;
  /** Template SMS carries text only. */
  readonly sendsMedia = false;

  constructor(
    private readonly opts: AliyunSmsOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.maxMessageChars = opts.maxContentChars ?? ALIYUN_DEFAULT_CONTENT_CHARS;
  }

  /** The signed query for one SendSms call (exposed for tests). */
  signedParams(req: SmsSendRequest, nonce: string = randomUUID()): Record<string, string> {
    const params: Record<string, string> = {
      AccessKeyId: this.opts.accessKeyId,
      Action: "SendSms",
      Format: "JSON",
      OutId: req.idempotencyKey.slice(0, 64),
      PhoneNumbers: toAliyunNumber(req.to),
      RegionId: this.opts.regionId ?? "cn-hangzhou",
      SignName: this.opts.signName,
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: nonce,
      SignatureVersion: "1.0",
      TemplateCode: this.opts.templateCode,
      TemplateParam: JSON.stringify({ [this.opts.templateParam ?? "content"]: req.body }),
      Timestamp: this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
      Version: "2017-05-25",
    };
    return { ...params, Signature: aliyunRpcSignature(this.opts.accessKeySecret, "GET", params) };
  }

  async send(req: SmsSendRequest): Promise<{ providerId: string }> {
    const url = new URL("/", this.opts.apiBase);
    for (const [k, v] of Object.entries(this.signedParams(req))) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (err) {
      throw new SmsSendError(`aliyun unreachable: ${(err as Error).message}`, true);
    }
    const json = (await res.json().catch(() => ({}))) as { Code?: string; Message?: string; BizId?: string };
    if (res.ok && json.Code === "OK" && json.BizId) return { providerId: json.BizId };
    const code = json.Code ?? `HTTP ${res.status}`;
    const what = `aliyun ${code}: ${json.Message ?? ""}`.trim();
    if (OPTED_OUT_CODES.has(code)) throw new SmsSendError(what, false, true);
    throw new SmsSendError(what, !PERMANENT_CODES.has(code));
  }
}

/** Aliyun takes mainland numbers as 11 digits and others with a 00 prefix. */
function toAliyunNumber(e164: string): string {
  const cn = /^\+86(1\d{10})$/.exec(e164);
  if (cn) return cn[1]!;
  return e164.startsWith("+") ? `00${e164.slice(1)}` : e164;
}
