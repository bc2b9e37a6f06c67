import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isTransientError } from "../db/client.js";
import { AppError, errorBody } from "../errors.js";

/** Every error leaves as `{ error: { code, message } }` with a stable code; 5xx never leak internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let appError: AppError;
    if (err instanceof AppError) {
      appError = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const where = v.instancePath ? v.instancePath.replace(/^\//, "").replace(/\//g, ".") : err.validationContext;
        return `${where ? `${where}: ` : ""}${v.message}`;
      });
      appError = new AppError("VALIDATION_FAILED", issues.join("; "), { issues });
    } else if (err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || (err.statusCode === 400 && /JSON/i.test(err.message))) {
      appError = new AppError("INVALID_JSON", "Body is not valid JSON");
    } else if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
      appError = new AppError("BAD_REQUEST", "Body must not be empty when Content-Type is application/json");
    } else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      appError = new AppError("PAYLOAD_TOO_LARGE");
    } else if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      appError = new AppError("UNSUPPORTED_MEDIA_TYPE");
    } else if (err.statusCode === 429) {
      appError = new AppError("RATE_LIMITED", err.message);
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      appError = new AppError("BAD_REQUEST", err.message);
    } else if (isTransientError(err)) {
      request.log.error({ err }, "database unavailable");
      reply.header("retry-after", "5");
      appError = new AppError("UNAVAILABLE", "Database temporarily unavailable, please retry");
    } else {
      request.log.error({ err }, "unhandled error");
      appError = new AppError("INTERNAL");
    }
    reply.code(appError.status).send(errorBody(appError));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(errorBody(new AppError("NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}`)));
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route runs — a path that is not
 * valid percent-encoded UTF-8 (`%ED%A0%80`, a lone surrogate's bytes) or a path parameter over
 * 100 characters — leaves as `{ error: { code, message } }` too; Fastify's own bodies had no code
 * (found by the OpenAPI fuzz test).
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const appError =
    err.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? new AppError("URI_TOO_LONG")
      : err.code === "FST_ERR_BAD_URL"
        ? new AppError("BAD_REQUEST", "The path is not valid percent-encoded UTF-8")
        : new AppError("INTERNAL");
  reply.code(appError.status).send(errorBody(appError));
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request (a
 * negative, over-2^53 or doubled Content-Length, Content-Length with Transfer-Encoding, a bad chunk
 * size, headers over the limit, a request not sent in time) leaves as `{ error: { code, message } }`
 * too; Fastify's default body had no code (found by the OpenAPI fuzz test's raw-socket cases).
 */
export function clientErrors(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection is gone: nothing to answer.
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const appError =
    err.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? new AppError("REQUEST_TIMEOUT")
      : err.code === "HPE_HEADER_OVERFLOW"
        ? new AppError("HEADERS_TOO_LARGE")
        : new AppError("MALFORMED_REQUEST");
  if (socket.writable) {
    const body = JSON.stringify(errorBody(appError));
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
