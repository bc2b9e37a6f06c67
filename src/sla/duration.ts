import type { Locale } from "../conversation/texts.js";

/**
 * A duration in plain words for customers: "30分钟", "24小时", "2天3小时" / "30 minutes",
 * "24 hours". Rounded to the two largest units; never "0分钟" for a positive duration.
 */
export function formatDuration(ms: number, locale: Locale): string {
  const totalMinutes = Math.max(1, Math.ceil(Math.abs(ms) / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  // Whole hours read better as hours up to two days ("48小时" is what customers are promised).
  const parts: [number, string, string][] =
    days > 0 && totalMinutes > 2880
      ? [
          [days, "天", "day"],
          [hours, "小时", "hour"],
        ]
      : [
          [days * 24 + hours, "小时", "hour"],
          [minutes, "分钟", "minute"],
        ];
  const shown = parts.filter(([n]) => n > 0);
  if (locale === "en") return shown.map(([n, , en]) => `${n} ${en}${n === 1 ? "" : "s"}`).join(" ");
  return shown.map(([n, zh]) => `${n}${zh}`).join("");
}
