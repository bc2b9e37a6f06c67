import sharp from "sharp";

/**
 * Test images drawn offline: an SVG label rendered by sharp (librsvg with the machine's DejaVu
 * fonts), optionally rotated and JPEG-compressed like a phone photo of a waybill label.
 */
export async function renderLabel(
  lines: string[],
  opts: { rotate?: number; format?: "png" | "jpeg" | "webp"; width?: number; blur?: number } = {},
): Promise<Buffer> {
  const width = opts.width ?? 640;
  const height = 120 + lines.length * 60;
  const text = lines
    .map(
      (l, i) =>
        `<text x="40" y="${90 + i * 60}" font-family="DejaVu Sans Mono" font-size="32" fill="#161616">${escapeXml(l)}</text>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f3efe6"/><g transform="rotate(${opts.rotate ?? 0} ${width / 2} ${height / 2})"><rect x="20" y="30" width="${width - 40}" height="${height - 60}" fill="none" stroke="#333" stroke-width="3"/>${text}</g></svg>`;
  let img = sharp(Buffer.from(svg));
  if (opts.blur) img = img.blur(opts.blur);
  const format = opts.format ?? "png";
  if (format === "jpeg") return img.jpeg({ quality: 70 }).toBuffer();
  if (format === "webp") return img.webp({ quality: 80 }).toBuffer();
  return img.png().toBuffer();
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
