import http from "node:http";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body's bytes (a multipart upload is binary). */
  raw: Buffer;
}

export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A provider's HTTP API on localhost (WeChat, Twilio, Aliyun, Bot Connector): records every
 * request and answers through a handler; failNext() makes the next matching requests fail.
 */
export class FakeServer {
  readonly requests: Recorded[] = [];
  private server: http.Server | undefined;
  private failures: { match: (r: Recorded) => boolean; response: FakeResponse }[] = [];
  private outages = new Set<{ match: (r: Recorded) => boolean; response: FakeResponse }>();
  baseUrl = "";

  constructor(private readonly handler: (r: Recorded) => FakeResponse) {}

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const raw = Buffer.concat(chunks);
        const rec: Recorded = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: raw.toString("utf8"),
          raw,
        };
        this.requests.push(rec);
        const outage = [...this.outages].find((o) => o.match(rec));
        const i = outage ? -1 : this.failures.findIndex((f) => f.match(rec));
        const out = outage ? outage.response : i >= 0 ? this.failures.splice(i, 1)[0]!.response : this.handler(rec);
        res.writeHead(out.status, { "content-type": "application/json", ...(out.headers ?? {}) });
        // A Buffer is sent as it is (media downloads: images).
        res.end(Buffer.isBuffer(out.body) || typeof out.body === "string" ? out.body : JSON.stringify(out.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const addr = this.server.address();
    this.baseUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    return this.baseUrl;
  }

  /** The next `times` requests matching `match` get `response` instead of the handler's answer. */
  failNext(
    match: (r: Recorded) => boolean,
    times: number,
    response: FakeResponse = { status: 500, body: { error: "boom" } },
  ): void {
    for (let i = 0; i < times; i++) this.failures.push({ match, response });
  }

  /**
   * Every request matching `match` fails until the returned function is called: unlike a
   * count, this does not depend on how often a client library retries on its own.
   */
  failUntilReleased(
    match: (r: Recorded) => boolean,
    response: FakeResponse = { status: 500, body: { error: "boom" } },
  ): () => void {
    const outage = { match, response };
    this.outages.add(outage);
    return () => this.outages.delete(outage);
  }

  matching(pred: (r: Recorded) => boolean): Recorded[] {
    return this.requests.filter(pred);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls until fn returns a truthy value (replies arrive asynchronously through the outbox). */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 15_000,
  stepMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
