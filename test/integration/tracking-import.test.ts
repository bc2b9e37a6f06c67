import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshDataDir } from "../support/databases.js";

const dir = freshDataDir();
const file = path.join(dir.dir, "events.csv");

const root = path.resolve(import.meta.dirname, "../..");

/** What `npm run tracking -- …` runs (tsx from node_modules/.bin), without npx's start-up on each call. */
function cli(...args: string[]) {
  const r = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["src/tracking/tracking.cli.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dir.dir, DATABASE_URL: "", REDIS_URL: "", LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Writes the rows as the CSV file (joined by `eol`) and imports it. */
function importRows(rows: string[], eol = "\n") {
  fs.writeFileSync(file, rows.join(eol));
  return cli("import", file);
}

describe("npm run tracking -- import (PGlite)", () => {
  afterAll(() => dir.remove());

  it("imports good rows, skips duplicates, rejects bad rows with line numbers and reasons", () => {
    const first = importRows([
      "运单号,快递公司,时间,状态,地点,描述,收件人电话",
      "SF6000000000015,SF,2026-05-01 09:00:00,揽收,深圳市,【深圳南山营业部】已揽收,13800001234",
      'SF6000000000015,SF,2026-05-01 20:00:00,在途,深圳市,"快件已发出，下一站【上海转运中心】",',
      "SF6000000000015,SF,2026-05-01 09:00:00,揽收,深圳市,【深圳南山营业部】已揽收,13800001234",
      "",
      "SF6000000000015,SF,not a time,在途,,bad time,",
      "75300000000012,,2026-05-02 08:00:00,warp,,???,",
      "75300000000012,,2026-05-02 08:00:00,签收,杭州市,已签收,",
    ]);
    expect(first.out).toContain("rows: 6  imported: 3  skipped (already stored): 1  rejected: 2");
    expect(first.out).toContain("line 6: INVALID_TIME");
    expect(first.out).toContain("line 7: UNKNOWN_STATUS");
    expect(first.code).toBe(2);

    const again = cli("import", file);
    expect(again.out).toContain("imported: 0  skipped (already stored): 4  rejected: 2");

    const lookup = cli("lookup", "SF6000000000015");
    expect(lookup.code).toBe(0);
    expect(lookup.out).toContain("SF SF6000000000015: in_transit");
    expect(lookup.out.match(/^ {2}2026/gm)).toHaveLength(2);
  });

  it("reads a CR-only file; an unclosed quote stops the import naming the line its record starts on", () => {
    const cr = importRows(
      [
        "waybill,time,status,description",
        "SF6000000000023,2026-05-03 09:00:00,揽收,已揽收",
        "SF6000000000023,not a time,在途,bad time",
        "",
      ],
      "\r",
    );
    expect(cr.out).toContain("rows: 2  imported: 1  skipped (already stored): 0  rejected: 1");
    expect(cr.out).toContain("line 3: INVALID_TIME");

    fs.writeFileSync(file, 'waybill,time,status,description\r\n\r\nSF6000000000031,2026-05-03 10:00:00,揽收,"已揽收\n');
    const bad = cli("import", file);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("line 3: malformed CSV: a quoted field is not closed");
  });

  it("explains a missing header column and exits non-zero", () => {
    fs.writeFileSync(file, "waybill,status\nSF1,1\n");
    const r = cli("import", file);
    expect(r.code).toBe(1);
    expect(r.err).toContain("header lacks column(s) time, description");
  });
});
