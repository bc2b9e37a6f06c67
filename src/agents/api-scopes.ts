/**
 * Issue 21: what an API key for another system may do. Each scope opens the routes that name it
 * in their hook (`requireAccess(auth, { scope })`) and nothing else; the README lists them.
 */
export const API_SCOPES = ["tickets:read", "tickets:write", "reports:read", "tracking:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Keys look like `kd_` + 32 url-safe characters; only their sha256 is stored. */
export const API_KEY_PREFIX = "kd_";
