/**
 * 投诉预警 pushed live (issue 23; 003 §7.3.1): every few minutes the early-warning detector runs over
 * each category's, city's and stage's complaints; a spike not pushed in the last window (6 hours) is
 * recorded (EarlyWarningAlert, unique per spike and 6-hour bucket, so with several instances only the
 * first pushes) and sent to supervisors' and admins' consoles and dashboards over the staff WebSocket.
 */

import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { EventBus } from "../realtime/event-bus.js";
import { SUPERVISORS_TOPIC } from "../realtime/topics.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import type { Alert, ReportService, Summary } from "./report.service.js";

const KIND = "early-warning";
const KEY = `${KIND}:check`;

export class EarlyWarningPush {
  constructor(
    private readonly db: Db,
    private readonly reports: ReportService,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Runs the detector at `now`; pushes and returns the alerts not pushed before in their window. */
  async check(now = this.now()): Promise<Alert[]> {
    const alerts = this.reports.alerts({
      surveys: { satisfactionRate: null } as Summary["surveys"],
      ...(await this.reports.allSpikes(now)),
    });
    const hours = this.reports.config.earlyWarning.windowHours;
    const windowMs = hours * 3_600_000;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
    const fresh: Alert[] = [];
    for (const alert of alerts) {
      const key = `${alert.code}:${alert.cityCode ?? alert.stage ?? alert.category ?? ""}`;
      // One burst, one alert: not again while an alert for the same series is younger than a window
      // (a burst seen at 11:55 and at 12:05 straddles two 6-hour buckets); the unique bucket keeps
      // two instances checking at once from both inserting.
      const inserted = await this.db.$executeRaw`
        INSERT INTO "EarlyWarningAlert" (key, "windowStart", alert, "createdAt")
        SELECT ${key}, ${windowStart}, ${JSON.stringify(alert)}::jsonb, ${now}
        WHERE NOT EXISTS (
          SELECT 1 FROM "EarlyWarningAlert" a
          WHERE a.key = ${key} AND a."createdAt" > ${new Date(now.getTime() - windowMs)} AND a."createdAt" <= ${now})
        ON CONFLICT (key, "windowStart") DO NOTHING`;
      if (inserted === 0) continue;
      fresh.push(alert);
      await this.bus
        .publish(SUPERVISORS_TOPIC, { type: "alert.early_warning", at: now.toISOString(), alert })
        .catch((err) => this.log.warn({ err }, "realtime publish failed"));
    }
    if (fresh.length) this.log.info({ alerts: fresh.map((a) => a.code) }, "early warning pushed");
    return fresh;
  }

  /** Checks every `everyMs` (default 5 minutes) through the scheduler. */
  async schedule(scheduler: Scheduler, everyMs = 5 * 60_000): Promise<void> {
    scheduler.handle(KIND, async () => {
      try {
        await this.check();
      } finally {
        await scheduler.arm(KEY, new Date(Date.now() + everyMs));
      }
    });
    await scheduler.arm(KEY, new Date(Date.now() + 30_000));
  }
}
