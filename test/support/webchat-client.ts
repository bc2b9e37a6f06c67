/** A tiny client for the public web chat API, as the widget uses it. */
export interface ChatReply {
  id: string;
  seq: string;
  direction: "in" | "out";
  author: string;
  text: string;
  quickReplies?: { title: string; value?: string }[];
}

export class WebchatClient {
  constructor(
    readonly baseUrl: string,
    readonly sessionId: string,
    readonly token: string,
  ) {}

  static async open(baseUrl: string, locale?: "zh-CN" | "en"): Promise<WebchatClient> {
    const res = await fetch(`${baseUrl}/api/webchat/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(locale ? { locale } : {}),
    });
    if (res.status !== 201) throw new Error(`session create failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { sessionId: string; token: string };
    return new WebchatClient(baseUrl, body.sessionId, body.token);
  }

  async sendRaw(body: unknown, token = this.token): Promise<Response> {
    return fetch(`${this.baseUrl}/api/webchat/sessions/${this.sessionId}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  async say(text: string, clientMessageId?: string): Promise<ChatReply[]> {
    const res = await this.sendRaw({ text, ...(clientMessageId ? { clientMessageId } : {}) });
    if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { replies: ChatReply[] }).replies;
  }

  async history(): Promise<ChatReply[]> {
    const res = await fetch(`${this.baseUrl}/api/webchat/sessions/${this.sessionId}/messages`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (res.status !== 200) throw new Error(`history failed: ${res.status}`);
    return ((await res.json()) as { messages: ChatReply[] }).messages;
  }
}
