/**
 * An SMS gateway: Twilio-compatible REST API or a Chinese gateway (Aliyun-style signed API).
 * The SMS channel splits replies into segments and calls send() once per segment.
 */
export interface SmsProvider {
  /** Implementation name for /readyz and logs. */
  readonly name: string;
  /**
   * The longest body one segment may carry in UCS-2 (Chinese) text. A gateway that adds its
   * own signature (【签名】) to every message has less room than the 70 characters of a
   * single UCS-2 SMS.
   */
  readonly maxSegmentChars: number;
  /** Sends one SMS; resolves with the provider's id for it, throws SmsSendError on failure. */
  send(request: SmsSendRequest): Promise<{ providerId: string }>;
}

export interface SmsSendRequest {
  /** E.164 (+8613800138000, +14155550100). */
  to: string;
  body: string;
  /** Stable per segment (message id + index): gateways that deduplicate use it. */
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
