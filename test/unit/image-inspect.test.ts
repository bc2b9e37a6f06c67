import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { MAX_IMAGE_BYTES, prepareImage, THUMB_SIZE } from "../../src/images/image.inspect.js";
import { renderLabel } from "../support/images.js";

async function refusal(bytes: Buffer): Promise<string> {
  try {
    await prepareImage(bytes);
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return "accepted";
}

describe("image checks by content (issue 17)", () => {
  it("takes JPEG, PNG and WebP by their bytes, with a WebP thumbnail of at most 320 px", async () => {
    for (const format of ["png", "jpeg", "webp"] as const) {
      const img = await prepareImage(await renderLabel(["SF1438829301576"], { format, width: 900 }));
      expect(img.mime).toBe(`image/${format}`);
      expect(img.width).toBe(900);
      const thumb = await sharp(img.thumbnail).metadata();
      expect(thumb.format).toBe("webp");
      expect(Math.max(thumb.width ?? 0, thumb.height ?? 0)).toBe(THUMB_SIZE);
    }
  });

  it("strips EXIF (GPS location) and applies its orientation", async () => {
    const withExif = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#888" } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD3: { GPSLatitudeRef: "N", GPSLatitude: "31/1 14/1 0/1" } } })
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const img = await prepareImage(withExif);
    const meta = await sharp(img.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(img.data.includes(Buffer.from("GPS"))).toBe(false);
    expect([img.width, img.height]).toEqual([20, 40]); // rotated upright
  });

  it("takes an iPhone's HEIC photo (libheif in a worker) and stores it as JPEG; a 48 MP one is refused before decoding", async () => {
    const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
    const img = await prepareImage(fixture("label.heic"));
    expect([img.mime, img.width, img.height]).toEqual(["image/jpeg", 640, 240]);
    expect((await sharp(img.data).metadata()).format).toBe("jpeg");
    expect((await sharp(img.thumbnail).metadata()).width).toBe(THUMB_SIZE);
    expect(await refusal(fixture("48mp.heic"))).toBe("ATTACHMENT_UNREADABLE");
  });

  it("refuses by content, not by name: text, PDF, broken HEIC, empty, too big, corrupt, decompression bomb", async () => {
    expect(await refusal(Buffer.from("this is not an image, just renamed .jpg"))).toBe("ATTACHMENT_NOT_IMAGE");
    expect(await refusal(Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"))).toBe("ATTACHMENT_NOT_IMAGE");
    // A HEIC header with nothing decodable behind it.
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic"), Buffer.alloc(200)]);
    expect(await refusal(heic)).toBe("ATTACHMENT_UNREADABLE");
    expect(await refusal(Buffer.alloc(0))).toBe("ATTACHMENT_EMPTY");
    expect(await refusal(Buffer.alloc(MAX_IMAGE_BYTES + 1, 1))).toBe("ATTACHMENT_TOO_LARGE");
    const png = await renderLabel(["SF1438829301576"]);
    expect(await refusal(png.subarray(0, Math.floor(png.length / 2)))).toBe("ATTACHMENT_UNREADABLE");
    // A small PNG whose header claims 30000 × 30000 pixels (2.7 GB decoded).
    const bomb = Buffer.from(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
        .png()
        .toBuffer(),
    );
    bomb.writeUInt32BE(30_000, 16);
    bomb.writeUInt32BE(30_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(30_000);
    expect(await refusal(bomb)).toBe("ATTACHMENT_UNREADABLE");
  });
});
