import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ChannelImages } from "../channel/channel.js";
import { AppError } from "../errors.js";
import { errorResponses } from "../http/schemas.js";
import { sendImage } from "./multipart.js";

/** How long a link handed to a provider stays valid: Twilio fetches MMS media when it sends. */
export const MEDIA_LINK_TTL_MS = 24 * 3_600_000;

/**
 * Signed, expiring links to an agent's image for providers that fetch media by URL (Twilio MMS
 * `MediaUrl`, issue 17): `{PUBLIC_URL}/media/{attachmentId}?exp={epoch s}&sig={HMAC-SHA256}`.
 * The link names one image and nothing else; without the signature the route answers 404, so
 * attachment ids cannot be probed.
 */
export class MediaLinks {
  constructor(
    private readonly secret: string,
    private readonly publicUrl: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The link, valid MEDIA_LINK_TTL_MS from now. */
  link(attachmentId: string): string {
    const exp = Math.floor((this.now().getTime() + MEDIA_LINK_TTL_MS) / 1000);
    return `${this.publicUrl}/media/${attachmentId}?exp=${exp}&sig=${this.sign(attachmentId, exp)}`;
  }

  /** ok, or why the link is refused: a wrong signature, or a right one past its expiry. */
  check(attachmentId: string, exp: number, sig: string): "ok" | "invalid" | "expired" {
    const want = Buffer.from(this.sign(attachmentId, exp));
    const got = Buffer.from(sig);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return "invalid";
    return exp * 1000 < this.now().getTime() ? "expired" : "ok";
  }

  private sign(attachmentId: string, exp: number): string {
    return createHmac("sha256", this.secret).update(`${attachmentId}.${exp}`).digest("base64url");
  }
}

/** `GET /media/{id}?exp&sig`: the image behind a signed link (public: the provider has no login). */
export const mediaLinkRoutes =
  (links: MediaLinks, images: Pick<ChannelImages, "read">): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/media/:id",
      {
        schema: {
          tags: ["channels"],
          summary: "An image an agent sent, behind a signed expiring link (for Twilio MMS MediaUrl)",
          params: z.object({ id: z.uuid({ message: "media id must be a UUID" }) }),
          querystring: z.object({
            exp: z.coerce
              .number()
              .int()
              .min(0)
              .max(2 ** 40),
            sig: z.string().max(100),
          }),
          response: { 200: z.any().describe("image/jpeg or image/png"), ...errorResponses(400, 404, 410) },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const verdict = links.check(id, request.query.exp, request.query.sig);
        if (verdict === "invalid") throw new AppError("NOT_FOUND", "No such image");
        if (verdict === "expired") throw new AppError("MEDIA_LINK_EXPIRED");
        const image = await images.read(id);
        if (!image) throw new AppError("NOT_FOUND", "No such image");
        return sendImage(reply, image);
      },
    );
  };
