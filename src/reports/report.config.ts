/**
 * Targets, red lines and the complaint early-warning thresholds, as configuration: defaults
 * from domain.md, overridable by a JSON file (REPORT_CONFIG_FILE) merged over them.
 */
import fs from "node:fs";
import { z } from "zod";
import { mergeConfig } from "../surveys/survey.config.js";

const share = z.number().min(0).max(1);

export const reportConfigSchema = z.object({
  targets: z.object({
    /** 002 §5: satisfaction ≥ 85%. */
    satisfaction: share,
    /** 003 §4.3: complaint-handling satisfaction ≥ 90%. */
    complaintHandlingSatisfaction: share,
    /** 002: complaints answered and handled within 24 h. */
    within24h: share,
    /** 003 §4.3: 70% within 24 h, the rest within 48 h. */
    within48h: share,
  }),
  redLines: z.object({
    /** 002 §4.4 服务质量红线: satisfaction below 80% starts special rectification. */
    satisfaction: share,
  }),
  /** 003 §7.3.1 投诉预警: a category's complaints in the last hours against its recent baseline. */
  earlyWarning: z.object({
    windowHours: z
      .number()
      .positive()
      .max(24 * 7),
    baselineDays: z.number().int().min(1).max(90),
    /** Alert when the window's count exceeds the baseline's expected count by this factor … */
    factor: z.number().gt(1),
    /** … and is at least this many complaints (a jump from 0 to 1 is noise). */
    minCount: z.number().int().min(1),
  }),
  /** Verbatim comments shown on the dashboard. */
  comments: z.number().int().min(0).max(500),
});
export type ReportConfig = z.infer<typeof reportConfigSchema>;

export const DEFAULT_REPORT_CONFIG: ReportConfig = {
  targets: { satisfaction: 0.85, complaintHandlingSatisfaction: 0.9, within24h: 0.7, within48h: 1 },
  redLines: { satisfaction: 0.8 },
  earlyWarning: { windowHours: 6, baselineDays: 7, factor: 2, minCount: 5 },
  comments: 50,
};

export function loadReportConfig(file?: string): ReportConfig {
  let over: unknown;
  if (file) {
    try {
      over = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new Error(`REPORT_CONFIG_FILE ${file}: ${(err as Error).message}`);
    }
  }
  const parsed = reportConfigSchema.safeParse(mergeConfig(DEFAULT_REPORT_CONFIG, over));
  if (!parsed.success)
    throw new Error(
      `REPORT_CONFIG_FILE ${file}:\n${parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n")}`,
    );
  return parsed.data;
}
