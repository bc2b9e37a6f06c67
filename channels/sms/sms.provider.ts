/**
 * An SMS gateway: Twilio-compatible REST API or a Chinese gateway (Aliyun-style signed API).
 * Both concatenate a long text into one message on the handset themselves (segments of 67/153
 * characters joined by the phone); the SMS channel splits only what exceeds one API call into
 * numbered parts and calls send() once per part.
 */
export interface SmsProvider {
  /** Implementation name for /readyz and logs. */
  readonly name: string;
  /**
   * The longest body one send() may carry, in UTF-16 units (how the gateways count). Twilio:
   * 1,600 characters. Aliyun: what the template's variable may hold (configured; the gateway
   * adds 【签名】 and the template's own text).
   */
  readonly maxMessageChars: number;
  /** Whether send() takes images by URL (MMS: Twilio `MediaUrl`); a text-only gateway does not (issue 17). */
  readonly sendsMedia: boolean;
  /** Sends one SMS; resolves with the provider's id for it, throws SmsSendError on failure. */
  send(request: SmsSendRequest): Promise<{ providerId: string }>;
}

export interface SmsSendRequest {
  /** E.164 (+8613800138000, +14155550100). */
  to: string;
  body: string;
  /** Images the provider fetches and sends as MMS (public, signed links); only when sendsMedia. */
  mediaUrls?: string[] | undefined;
  /** Stable per part (message id + index): gateways that deduplicate use it. */
  idempotencyKey: string;
  /** Where the provider should post delivery reports, when it supports them. */
  statusCallbackUrl?: string | undefined;
}

export class SmsSendError extends Error {
  override readonly name = "SmsSendError";
  constructor(
    message: string,
    /** Whether sending again later can succeed (rate limit, 5xx) or not (invalid number). */
    readonly retryable: boolean,
    /** The carrier or gateway says the recipient opted out (Twilio 21610). */
    readonly optedOut = false,
  ) {
    super(message);
  }
}
