/**
 * SMS segmentation. One UCS-2 SMS carries 70 characters (Chinese); pure GSM-7 text, 160.
 * Long replies are split at a natural break into numbered parts "(1/3)…", at most
 * `maxParts`; whatever is left after that is cut with an ellipsis.
 */
const GSM7 = /^[A-Za-z0-9 \r\n@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/;

export function segmentLimit(text: string, ucs2Limit: number): number {
  return GSM7.test(text) ? Math.round((ucs2Limit * 160) / 70) : ucs2Limit;
}

const BREAKS = ["\n", "。", "！", "？", "；", "，", ". ", "! ", "? ", "; ", ", ", " "];

export function splitSms(text: string, ucs2Limit: number, maxParts = 5): string[] {
  const clean = text.replace(/\n{2,}/g, "\n").trim();
  const limit = segmentLimit(clean, ucs2Limit);
  if (clean.length <= limit) return [clean];
  // The "(i/n)" prefix costs room, which can change n: settle n first.
  let n = 2;
  for (;;) {
    const parts = cut(clean, limit - `(${n}/${n})`.length, maxParts);
    if (parts.length <= n || n >= maxParts) return parts.map((p, i) => `(${i + 1}/${parts.length})${p}`);
    n = parts.length;
  }
}

function cut(text: string, room: number, maxParts: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (parts.length === maxParts - 1 && rest.length > room) {
      parts.push(`${safeSlice(rest, room - 1)}…`);
      break;
    }
    if (rest.length <= room) {
      parts.push(rest);
      break;
    }
    let at = -1;
    for (const b of BREAKS) {
      const i = rest.lastIndexOf(b, room - b.length);
      // Only break late enough that a part is not mostly empty.
      if (i >= room / 2) {
        at = i + b.length;
        break;
      }
    }
    const head = at > 0 ? rest.slice(0, at) : safeSlice(rest, room);
    parts.push(head.trimEnd());
    rest = rest.slice(head.length).trimStart();
  }
  return parts;
}

/** Never splits a surrogate pair (an emoji counts as two UCS-2 units). */
function safeSlice(s: string, n: number): string {
  const code = s.charCodeAt(n - 1);
  return code >= 0xd800 && code <= 0xdbff ? s.slice(0, n - 1) : s.slice(0, n);
}
