import { z } from "zod";
import type { Db } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";

/** A site allowed to embed the widget: scheme, host and optional port, nothing else. */
const origin = z
  .string()
  .trim()
  .max(200)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === s.replace(/\/$/, "");
    } catch {
      return false;
    }
  }, "an origin such as https://www.example.com (scheme and host, no path)")
  .transform((s) => s.replace(/\/$/, ""));

/** What /admin sets for the embeddable widget (issue 18); data- attributes on the snippet override. */
export const widgetSettingsSchema = z.object({
  /** Launcher, header and the customer's bubbles. */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour such as #e60012"),
  titleZh: z.string().trim().min(1).max(40),
  titleEn: z.string().trim().min(1).max(40),
  position: z.enum(["right", "left"]),
  /** Sites whose pages may frame the chat panel; empty: any site (the chat is public anyway). */
  embedOrigins: z.array(origin).max(20),
});
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;
/** The same fields as they are answered (the origins already normalised: no transform to encode). */
export const widgetSettingsOut = widgetSettingsSchema.extend({ embedOrigins: z.array(z.string()) });

export const WIDGET_DEFAULTS: WidgetSettings = {
  color: "#e60012",
  titleZh: "快递在线客服",
  titleEn: "Delivery customer service",
  position: "right",
  embedOrigins: [],
};

const KEY = "widget";

/** The widget's settings, one row of the Setting table (every instance reads the same). */
export class WidgetSettingsStore {
  constructor(private readonly db: Db) {}

  async get(): Promise<WidgetSettings> {
    const row = await this.db.setting.findUnique({ where: { key: KEY } });
    const parsed = widgetSettingsSchema.safeParse({ ...WIDGET_DEFAULTS, ...(row?.value as object | null) });
    return parsed.success ? parsed.data : WIDGET_DEFAULTS;
  }

  async put(settings: WidgetSettings): Promise<WidgetSettings> {
    const value = settings as unknown as Prisma.InputJsonValue;
    await this.db.setting.upsert({ where: { key: KEY }, create: { key: KEY, value }, update: { value } });
    return settings;
  }
}

/** The CSP `frame-ancestors` source list of the embeddable chat panel. */
export function frameAncestors(settings: WidgetSettings): string {
  return settings.embedOrigins.length ? ["'self'", ...settings.embedOrigins].join(" ") : "*";
}
