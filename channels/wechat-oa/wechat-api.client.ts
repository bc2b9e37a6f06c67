import type { Logger } from "pino";
import type { Db } from "../../src/db/client.js";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { fetchCapped } from "../../src/images/image.inbound.js";

export interface WechatApiOptions {
  appId: string;
  appSecret: string;
  /** https://api.weixin.qq.com by default; a local fake server in tests. */
  baseUrl: string;
  timeoutMs?: number;
}

/** An error answer from the WeChat API; `retryable` says whether sending again can help. */
export class WechatApiError extends Error {
  override readonly name = "WechatApiError";
  constructor(
    readonly errcode: number,
    errmsg: string,
    readonly retryable: boolean,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
  }
}

/** Token errors: fetch a fresh token and try once more. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/**
 * Errors no retry can fix: invalid openid (40003), user unsubscribed (43004), the 48-hour
 * customer-service window closed (45015), too many messages without a customer reply (45047).
 */
const PERMANENT_ERRORS = new Set([40003, 43004, 45015, 45047, 40008, 45002, 45008]);

interface CachedToken {
  token: string;
  /** epoch ms */
  expiresAt: number;
}

const SETTING_KEY = "wechat_oa.access_token";
/** Refresh this long before WeChat's stated expiry (7200 s), so a token never dies in flight. */
const EARLY_REFRESH_MS = 5 * 60_000;

/**
 * The Official Account server API: access token (cached in memory and in the Setting table,
 * so instances in scale mode share one token instead of invalidating each other's) and the
 * customer-service message API (客服消息).
 */
export class WechatApiClient {
  private cached: CachedToken | undefined;
  private refreshing: Promise<CachedToken> | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: WechatApiOptions,
    private readonly log: Logger,
  ) {}

  /** Sends a text customer-service message; returns WeChat's msgid when it gives one. */
  async sendText(openId: string, content: string): Promise<string | undefined> {
    const body = { touser: openId, msgtype: "text", text: { content } };
    const res = await this.call("/cgi-bin/message/custom/send", body);
    return res.msgid === undefined ? undefined : String(res.msgid);
  }

  /**
   * A customer's media (an image message's MediaId) from 获取临时素材 `/cgi-bin/media/get`: the
   * bytes, capped at 10 MB (issue 17). WeChat answers errors as JSON; a stale token is refreshed
   * once, as for sends.
   */
  async downloadMedia(mediaId: string): Promise<Buffer> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = new URL("/cgi-bin/media/get", this.opts.baseUrl);
      url.searchParams.set("access_token", token);
      url.searchParams.set("media_id", mediaId);
      const bytes = await fetchCapped(url, { redirect: "error" }, this.opts.timeoutMs ?? 10_000);
      if (bytes[0] !== 0x7b) return bytes; // "{": an error object, not an image
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
      } catch {
        return bytes;
      }
      const errcode = Number(json.errcode ?? -1);
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) {
        if (this.cached?.token === token) this.cached = undefined;
        continue;
      }
      throw new WechatApiError(errcode, String(json.errmsg ?? ""), false);
    }
  }

  async accessToken(forceRefresh = false): Promise<string> {
    const now = Date.now();
    if (!forceRefresh && this.cached && this.cached.expiresAt - EARLY_REFRESH_MS > now) return this.cached.token;
    if (!forceRefresh) {
      const stored = await this.db.setting.findUnique({ where: { key: SETTING_KEY } });
      const value = stored?.value as CachedToken | undefined;
      if (value?.token && value.expiresAt - EARLY_REFRESH_MS > now) {
        this.cached = value;
        return value.token;
      }
    }
    // One refresh at a time per process: concurrent sends wait for the same new token.
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = undefined;
    });
    return (await this.refreshing).token;
  }

  private async fetchToken(): Promise<CachedToken> {
    const url = new URL("/cgi-bin/token", this.opts.baseUrl);
    url.searchParams.set("grant_type", "client_credential");
    url.searchParams.set("appid", this.opts.appId);
    url.searchParams.set("secret", this.opts.appSecret);
    const json = await this.fetchJson(url, { method: "GET" });
    if (typeof json.access_token !== "string") {
      const errcode = Number(json.errcode ?? -1);
      // A wrong secret or unlisted server IP (40125, 40164) will not fix itself, but the operator can: retry later.
      throw new WechatApiError(errcode, String(json.errmsg ?? "no access_token"), true);
    }
    const token: CachedToken = {
      token: json.access_token,
      expiresAt: Date.now() + Number(json.expires_in ?? 7200) * 1000,
    };
    this.cached = token;
    await this.db.setting.upsert({
      where: { key: SETTING_KEY },
      create: { key: SETTING_KEY, value: token as unknown as Prisma.InputJsonValue },
      update: { value: token as unknown as Prisma.InputJsonValue },
    });
    this.log.info({ expiresAt: new Date(token.expiresAt).toISOString() }, "wechat access token refreshed");
    return token;
  }

  /**
   * Sends an image as a customer-service message (issue 17): uploads it as temporary media
   * (新增临时素材 `/cgi-bin/media/upload?type=image`, JPEG/PNG ≤ 10 MB, kept 3 days by WeChat),
   * then sends `msgtype: image` with its media_id. Returns WeChat's msgid when it gives one.
   */
  async sendImage(
    openId: string,
    image: { data: Buffer; mime: "image/jpeg" | "image/png" },
  ): Promise<string | undefined> {
    const uploaded = await this.call(
      "/cgi-bin/media/upload",
      () => {
        const form = new FormData();
        const name = image.mime === "image/png" ? "image.png" : "image.jpg";
        form.append("media", new Blob([new Uint8Array(image.data)], { type: image.mime }), name);
        return form;
      },
      { type: "image" },
    );
    if (typeof uploaded.media_id !== "string") throw new WechatApiError(-1, "upload answered no media_id", true);
    const res = await this.call("/cgi-bin/message/custom/send", {
      touser: openId,
      msgtype: "image",
      image: { media_id: uploaded.media_id },
    });
    return res.msgid === undefined ? undefined : String(res.msgid);
  }

  /** POSTs JSON (or, given a function, the multipart form it makes) with a token refreshed once if stale. */
  private async call(
    path: string,
    body: unknown,
    query: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = new URL(path, this.opts.baseUrl);
      url.searchParams.set("access_token", token);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const json = await this.fetchJson(
        url,
        typeof body === "function"
          ? { method: "POST", body: (body as () => FormData)() }
          : {
              method: "POST",
              headers: { "content-type": "application/json" },
              // WeChat wants raw UTF-8 Chinese, which JSON.stringify gives.
              body: JSON.stringify(body),
            },
      );
      const errcode = Number(json.errcode ?? 0);
      if (errcode === 0) return json;
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) {
        // Someone else (another server, the WeChat console) took a new token: drop ours.
        if (this.cached?.token === token) this.cached = undefined;
        continue;
      }
      throw new WechatApiError(errcode, String(json.errmsg ?? ""), !PERMANENT_ERRORS.has(errcode));
    }
  }

  private async fetchJson(url: URL, init: RequestInit): Promise<Record<string, unknown>> {
    const res = await fetch(url, {
      ...init,
      redirect: "error",
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    if (!res.ok) throw new WechatApiError(-res.status, `HTTP ${res.status}`, true);
    const text = await res.text();
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new WechatApiError(-1, "response is not JSON", true);
    }
  }
}
