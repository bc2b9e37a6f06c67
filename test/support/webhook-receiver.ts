import http from "node:http";
import type { AddressInfo } from "node:net";

/** One request a webhook receiver got: its headers, raw body (what the signature covers) and JSON. */
export interface ReceivedHook<J = Record<string, unknown>> {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: J;
}

/**
 * A local webhook receiver (issue 21): records every request and answers with the next queued
 * status, 200 when none is queued. `start()` resolves with its URL.
 */
export function webhookReceiver<J = Record<string, unknown>>() {
  const received: ReceivedHook<J>[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body, json: JSON.parse(body) as J });
      res.statusCode = answers.shift() ?? 200;
      res.end("ok");
    });
  });
  return {
    received,
    answers,
    start: () =>
      new Promise<string>((r) =>
        server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)),
      ),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
