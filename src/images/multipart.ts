import type { FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../errors.js";
import { MAX_IMAGE_BYTES } from "./image.inspect.js";

/** Room for the multipart boundaries and part headers around the file (fields are at most 1 KB each). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The multipart body's `file` part, whole; bad input as AppError (never a 5xx). */
export async function readFilePart(request: FastifyRequest): Promise<Buffer> {
  // A body declared larger than any image we keep is refused from its headers: read part by part,
  // an upload declaring 10 GB and sending a few bytes held the request open with no answer.
  const declared = Number(request.headers["content-length"]);
  if (declared > MAX_IMAGE_BYTES + MULTIPART_OVERHEAD_BYTES) throw new AppError("ATTACHMENT_TOO_LARGE");
  let part: Awaited<ReturnType<typeof request.file>>;
  try {
    part = await request.file();
  } catch (err) {
    throw multipartError(err);
  }
  if (part?.fieldname !== "file") throw new AppError("ATTACHMENT_EMPTY", "Multipart field `file` is required");
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (err) {
    throw multipartError(err);
  }
  if (part.file.truncated) throw new AppError("ATTACHMENT_TOO_LARGE");
  if (bytes.length === 0) throw new AppError("ATTACHMENT_EMPTY");
  return bytes;
}

function multipartError(err: unknown): AppError {
  const code = (err as { code?: string }).code;
  if (code === "FST_REQ_FILE_TOO_LARGE") return new AppError("ATTACHMENT_TOO_LARGE");
  if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE") return new AppError("UNSUPPORTED_MEDIA_TYPE");
  return new AppError("BAD_REQUEST", "Malformed multipart body");
}

/**
 * Sends a stored image (full or thumbnail): its own content type, cached privately (an id never
 * names other bytes), never sniffed as anything else.
 */
export function sendImage(reply: FastifyReply, content: { data: Buffer; mime: string }): FastifyReply {
  return reply
    .header("content-type", content.mime)
    .header("cache-control", "private, max-age=86400, immutable")
    .header("x-content-type-options", "nosniff")
    .send(content.data);
}
