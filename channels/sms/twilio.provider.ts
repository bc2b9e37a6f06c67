import { createHmac, timingSafeEqual } from "node:crypto";
import { parse, stringify } from "node:querystring";
import { type SmsProvider, SmsSendError, type SmsSendRequest } from "./sms.provider.js";

/**
 * Twilio's webhook signature: HMAC-SHA1 (key: auth token) over the full URL followed by every
 * POST parameter sorted by name, as name+value (a repeated name: its distinct values, sorted);
 * base64. The same as `getExpectedTwilioSignature` in the twilio package.
 */
export function twilioSignature(authToken: string, url: string, params: [string, string][]): string {
  const byName = new Map<string, string[]>();
  for (const [k, v] of params) byName.set(k, [...(byName.get(k) ?? []), v]);
  const data = [...byName.keys()].sort().reduce((acc, k) => {
    const values = byName.get(k)!;
    // One value: as is; several (an array to twilio's helper): distinct, sorted.
    const list = values.length === 1 ? values : [...new Set(values)].sort();
    return acc + list.map((v) => k + v).join("");
  }, url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

/**
 * Accepts exactly what the twilio package's `validateRequest` accepts: the URL as given, with
 * and without its default port (Twilio may sign either form), and its WHATWG-normalised form
 * with the query string also re-encoded the legacy way.
 */
export function twilioSignatureValid(
  authToken: string,
  url: string,
  params: [string, string][],
  given: string | undefined,
): boolean {
  if (!given) return false;
  const candidates = [removePort(url), addPort(url)];
  let normalised: string | undefined;
  try {
    normalised = new URL(url).toString();
  } catch {
    normalised = undefined;
  }
  if (normalised) {
    for (const u of [removePort(normalised), addPort(normalised)]) candidates.push(u, withLegacyQuerystring(u));
  }
  const actual = Buffer.from(given);
  return [...new Set(candidates)].some((u) => {
    const expected = Buffer.from(twilioSignature(authToken, u, params));
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  });
}

/** scheme://userinfo@host:port + rest, split without normalising (what Twilio signed, byte for byte). */
function splitUrl(url: string) {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!m) return undefined;
  const [prefix, scheme, authority] = m as unknown as [string, string, string];
  const userEnd = authority.lastIndexOf("@");
  const hostPort = authority.slice(userEnd + 1);
  const portAt = hostPort.indexOf(":", hostPort.lastIndexOf("]") + 1);
  return {
    scheme,
    user: authority.slice(0, userEnd + 1),
    host: portAt === -1 ? hostPort : hostPort.slice(0, portAt),
    port: portAt === -1 ? "" : hostPort.slice(portAt),
    rest: url.slice(prefix.length),
  };
}

function addPort(url: string): string {
  const p = splitUrl(url);
  if (!p || p.port) return url;
  return `${p.scheme}${p.user}${p.host}${p.scheme.toLowerCase() === "https://" ? ":443" : ":80"}${p.rest}`;
}

function removePort(url: string): string {
  const p = splitUrl(url);
  return p ? `${p.scheme}${p.user}${p.host}${p.rest}` : url;
}

function withLegacyQuerystring(url: string): string {
  const q = url.indexOf("?");
  if (q === -1 || q === url.length - 1) return url;
  return `${url.slice(0, q)}?${stringify(parse(url.slice(q + 1)))}`;
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
  /** Twilio concatenates a Body of up to 1,600 characters itself (its Messages resource limit). */
  readonly maxMessageChars = 1600;
  /** MMS: Twilio fetches each `MediaUrl` (up to 10 per message) and sends the images. */
  readonly sendsMedia = true;

  constructor(private readonly opts: TwilioOptions) {}

  async send(req: SmsSendRequest): Promise<{ providerId: string }> {
    const url = new URL(
      `/2010-04-01/Accounts/${encodeURIComponent(this.opts.accountSid)}/Messages.json`,
      this.opts.apiBase,
    );
    const form = new URLSearchParams({ To: req.to });
    // Twilio needs a Body or a MediaUrl; an image-only MMS has no Body.
    if (req.body || !req.mediaUrls?.length) form.set("Body", req.body);
    for (const url of req.mediaUrls ?? []) form.append("MediaUrl", url);
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
