/**
 * The error catalogue: every error the API returns has a stable code and an HTTP
 * status. Tests assert codes, not messages.
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: "Bad request" },
  VALIDATION_FAILED: { status: 400, message: "Request validation failed" },
  INVALID_JSON: { status: 400, message: "Body is not valid JSON" },
  UNAUTHENTICATED: { status: 401, message: "Authentication required" },
  INVALID_CREDENTIALS: { status: 401, message: "Invalid username or password" },
  INVALID_SIGNATURE: { status: 401, message: "Signature missing or invalid" },
  INVALID_XML: { status: 400, message: "Body is not well-formed XML" },
  /** Twilio's convention: a webhook whose X-Twilio-Signature does not verify gets 403. */
  WEBHOOK_SIGNATURE_REJECTED: { status: 403, message: "Webhook signature invalid" },
  FORBIDDEN: { status: 403, message: "Not allowed for your role" },
  /** Issue 21: an API key past its expiresAt (a key that never existed gets UNAUTHENTICATED). */
  API_KEY_EXPIRED: { status: 401, message: "This API key has expired" },
  /** Issue 21: an API key an admin revoked. */
  API_KEY_REVOKED: { status: 401, message: "This API key was revoked" },
  /** Issue 21: DELETE of an API key that does not exist. */
  API_KEY_NOT_FOUND: { status: 404, message: "API key not found" },
  NOT_FOUND: { status: 404, message: "Not found" },
  TICKET_NOT_FOUND: { status: 404, message: "Ticket not found" },
  SHIPMENT_NOT_FOUND: { status: 404, message: "No tracking data for this waybill" },
  ILLEGAL_TRANSITION: { status: 409, message: "Illegal state transition" },
  CONFLICT: { status: 409, message: "Conflict" },
  /** Issue 18: a change that would leave no active administrator (demoting or disabling the last one). */
  LAST_ADMIN: { status: 409, message: "The last active administrator cannot be demoted or disabled" },
  SLA_POLICY_LOCKED: { status: 409, message: "This SLA policy is fixed and cannot be changed" },
  /** An ICS import that is not an iCalendar file, or has no day of the year asked for. */
  HOLIDAY_ICS_INVALID: { status: 400, message: "Not a holiday calendar for this year" },
  TICKET_NO_CHANNEL: { status: 409, message: "This ticket has no customer conversation to reply on" },
  /** The conversation's channel cannot carry this text whole (SMS parts); nothing was stored or sent. */
  MESSAGE_TOO_LONG_FOR_CHANNEL: { status: 422, message: "Too long for the customer's channel" },
  /** A request-routing change for a type that is not a service request (issue 15). */
  REQUEST_TYPE_UNKNOWN: { status: 404, message: "Unknown request type" },
  /** A routing target that is not one of the groups (GET /api/groups). */
  GROUP_UNKNOWN: { status: 400, message: "Unknown group" },
  /** A claim's proposed or paid amount above CLAIM_MAX_AMOUNT (issue 15: "absurd (over the configured maximum)"). */
  CLAIM_AMOUNT_TOO_LARGE: { status: 400, message: "Claim amount above the configured maximum" },
  /** A ticket's place corrected to words or a code that names no province or city (issue 23). */
  PLACE_UNKNOWN: { status: 400, message: "No province or city of that name or code" },
  /** Issue 23: an outlet import with bad rows; details.errors lists each (line, column, code); nothing was stored. */
  OUTLET_IMPORT_INVALID: { status: 400, message: "The outlet file has bad rows; nothing was imported" },
  /** Issue 23: an outlet file that cannot be read at all (details.reason: CSV_MALFORMED, HEADER_MISSING, NO_ROWS, TOO_MANY_ROWS, CHARSET_UNSUPPORTED). */
  OUTLET_FILE_INVALID: { status: 400, message: "Not an outlet CSV file" },
  /** Issue 23: a ticket's outlet set to a code no outlet has. */
  OUTLET_UNKNOWN: { status: 400, message: "No outlet with that code or name" },
  OUTLET_AMBIGUOUS: { status: 400, message: "Several outlets fit that name; give the outlet's code" },
  OUTLET_NOT_FOUND: { status: 404, message: "Outlet not found" },
  /** Issue 23 (001 第五条): staff resolve a complaint without rootCause (quality | non_quality). */
  ROOT_CAUSE_REQUIRED: { status: 400, message: "Choose the complaint's root cause: quality or non-quality" },
  TRANSFER_TARGET_INVALID: { status: 400, message: "Unknown or inactive agent or group to transfer to" },
  /** Issue 18: a note @mentions a colleague who may not see this conversation (details.usernames); nothing was stored. */
  MENTION_NOT_VISIBLE: { status: 422, message: "A mentioned colleague cannot see this conversation" },
  /** Issue 18: a label id no label has. */
  LABEL_NOT_FOUND: { status: 404, message: "Label not found" },
  /** Issue 18: a label name already used. */
  LABEL_EXISTS: { status: 409, message: "A label of that name exists" },
  PAYLOAD_TOO_LARGE: { status: 413, message: "Body too large" },
  /** A path parameter longer than the router reads (100 characters). */
  URI_TOO_LONG: { status: 414, message: "A path parameter is too long" },
  /**
   * Refused by the HTTP parser before any route runs: a Content-Length that is negative, past 2^53
   * or given twice with two values, Content-Length with Transfer-Encoding, a bad chunk size, a
   * malformed request line or header.
   */
  MALFORMED_REQUEST: { status: 400, message: "The request's HTTP framing is malformed" },
  /** The request's headers are larger than the server reads (Node's max header size). */
  HEADERS_TOO_LARGE: { status: 431, message: "Request headers too large" },
  /** The client did not send the whole request in time. */
  REQUEST_TIMEOUT: { status: 408, message: "The request was not received in time" },
  /** Issue 17: an upload with no bytes, or a multipart request without the `file` field. */
  ATTACHMENT_EMPTY: { status: 400, message: "No file was uploaded" },
  /** Issue 17: larger than MAX_IMAGE_BYTES (10 MB); nothing was stored. */
  ATTACHMENT_TOO_LARGE: { status: 413, message: "Image too large (at most 10 MB)" },
  /** Issue 17: the content is not a JPEG, PNG or WebP image (checked by its bytes, not its name). */
  ATTACHMENT_NOT_IMAGE: { status: 415, message: "Not a supported image (JPEG, PNG or WebP)" },
  /** Issue 17: an image whose data is damaged or too large when decoded (decompression bomb). */
  ATTACHMENT_UNREADABLE: { status: 422, message: "The image could not be read" },
  /** Issue 17: the conversation holds its maximum of images. */
  ATTACHMENT_LIMIT: { status: 429, message: "Too many images in this conversation" },
  /** Issue 17: an agent's image on a channel that cannot carry one yet (only web chat can). */
  CHANNEL_NO_IMAGES: { status: 422, message: "This customer's channel cannot receive images" },
  MEDIA_LINK_EXPIRED: { status: 410, message: "This image link has expired" },
  /** Issue 21: a webhook target that is not http(s), or points at this server or a private address (SSRF). */
  /** Issue 21: a complaint from another system names no phone and no channel address we know. */
  CUSTOMER_UNREACHABLE: { status: 400, message: "The customer cannot be identified or reached" },
  WEBHOOK_URL_REFUSED: { status: 400, message: "Webhook target refused" },
  /** Issue 21: an event name that is not one of WEBHOOK_EVENTS. */
  WEBHOOK_EVENT_UNKNOWN: { status: 400, message: "Unknown webhook event" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Unsupported content type" },
  ACCOUNT_LOCKED: { status: 423, message: "Account temporarily locked after repeated failures" },
  RATE_LIMITED: { status: 429, message: "Too many requests" },
  INTERNAL: { status: 500, message: "Internal error" },
  UNAVAILABLE: { status: 503, message: "Service temporarily unavailable" },
  WEBHOOK_NOT_CONFIGURED: { status: 503, message: "This webhook is disabled until its secret is configured" },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = "AppError";
    this.status = ERRORS[code].status;
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(err: AppError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
    },
  };
}
