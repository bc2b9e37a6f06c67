import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { AppError } from "../errors.js";

/**
 * Address ranges a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true (issue 21,
 * SSRF): the server itself, the private network and cloud metadata (169.254.169.254) are
 * ipaddr.js's non-`unicast` ranges (loopback, private, linkLocal, uniqueLocal, unspecified,
 * carrierGradeNat, reserved …).
 */
function isPublic(address: string): boolean {
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === "unicast";
}

/**
 * Checks a webhook target: http(s) only, no credentials in the URL, and (unless private targets
 * are allowed) every address its host resolves to is public. Run when a subscription is saved and
 * again before each delivery (a name can be re-pointed after it was checked).
 * Throws AppError WEBHOOK_URL_REFUSED (400) with the reason.
 */
export async function checkWebhookTarget(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("WEBHOOK_URL_REFUSED", "Not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new AppError("WEBHOOK_URL_REFUSED", "Only http and https targets are allowed");
  if (url.username || url.password)
    throw new AppError("WEBHOOK_URL_REFUSED", "Credentials in the URL are not allowed; the signature authenticates");
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new AppError("WEBHOOK_URL_REFUSED", `The host ${host} does not resolve`);
    }
  }
  if (!addresses.length || !addresses.every(isPublic))
    throw new AppError(
      "WEBHOOK_URL_REFUSED",
      "The target is this server or a private address; allow it with WEBHOOK_ALLOW_PRIVATE_TARGETS=true",
    );
  return url;
}
