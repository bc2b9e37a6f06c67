import { createHmac, timingSafeEqual } from "node:crypto";
import { type SmsProvider, SmsSendError, type SmsSendRequest } from "./sms.provider.js";

/**
 * Twilio's webhook signature: HMAC-SHA1 (key: auth token) over the full URL followed by every
 * POST parameter, sorted by name, as name+value; base64.
 */
export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + sorted.map(([k, v]) => k + v).join("");
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

export function twilioSignatureValid(
  authToken: string,
  url: string,
  params: [string, string][],
  given: string | undefined,
): boolean {
  if (!given) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Sender: an E.164 number or a Messaging Service SID (MG…). */
  from: string;
  /** https://api.twilio.com by default; a fake server in tests. */
  apiBase: string;
  timeoutMs?: number;
}

/** Twilio errors no retry can fix: invalid or non-mobile number, region not enabled … */
const PERMANENT_CODES = new Set([21211, 21212, 21408, 21604, 21606, 21612, 21614, 21617, 21660]);
const OPTED_OUT_CODE = 21610;

/** Outbound SMS through Twilio's REST API (Messages resource). */
export class TwilioSmsProvider implements SmsProvider {
  readonly name = "twilio";
  readonly maxSegmentChars = 70;

  constructor(private readonly opts: TwilioOptions) {}

  async send(req: SmsSendRequest): Promise<{ providerId: string }> {
    const url = new URL(
      `/2010-04-01/Accounts/${encodeURIComponent(this.opts.accountSid)}/Messages.json`,
      this.opts.apiBase,
    );
    const form = new URLSearchParams({ To: req.to, Body: req.body });
    form.set(this.opts.from.startsWith("MG") ? "MessagingServiceSid" : "From", this.opts.from);
    if (req.statusCallbackUrl) form.set("StatusCallback", req.statusCallbackUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${this.opts.accountSid}:${this.opts.authToken}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          "idempotency-key": req.idempotencyKey,
        },
        body: form,
        redirect: "error",
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new SmsSendError(`twilio unreachable: ${(err as Error).message}`, true);
    }
    const json = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (res.ok && json.sid) return { providerId: json.sid };
    const code = Number(json.code ?? 0);
    const what = `twilio HTTP ${res.status}${code ? ` code ${code}` : ""}: ${json.message ?? ""}`.trim();
    if (code === OPTED_OUT_CODE) throw new SmsSendError(what, false, true);
    // 429 and 5xx pass; 401/403 are the operator's credentials: retry while they fix them.
    const retryable = res.status === 429 || res.status >= 500 || res.status === 401 || res.status === 403;
    throw new SmsSendError(what, retryable && !PERMANENT_CODES.has(code));
  }
}
