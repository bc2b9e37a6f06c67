import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { ensureTemplate, templatePath } from "../../src/db/pglite-template.js";
import { freshDataDir } from "../support/databases.js";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");

// Issue 20, start-up: a fresh data folder is unpacked from the install-time template instead of
// running initdb and every migration (most of a first start's time).
describe("PGlite template for fresh data folders", () => {
  const data = freshDataDir();
  let db: Database;
  beforeAll(async () => {
    await ensureTemplate();
    db = await openDatabase({ pgliteDir: path.join(data.dir, "pglite") });
  });
  afterAll(async () => {
    await db?.close();
    data.remove();
  });

  it("starts a fresh folder with every migration already applied", async () => {
    const result = await migrate(db);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBe(readMigrations().length);
    // The schema is really there and usable, not only the bookkeeping.
    expect(await db.prisma.ticket.count()).toBe(0);
  });

  it("holds no seed data and no secrets: staff, groups and settings are made by the first start", async () => {
    expect(await db.prisma.agent.count()).toBe(0);
    expect(await db.prisma.authSession.count()).toBe(0);
    expect(await db.prisma.setting.count()).toBe(0);
    expect(await db.prisma.kbArticle.count()).toBe(0);
  });

  it("keeps what is written across a restart (the folder is the database, not the template)", async () => {
    await db.prisma.setting.create({ data: { key: "template-test", value: { kept: true } } });
    await db.close();
    db = await openDatabase({ pgliteDir: path.join(data.dir, "pglite") });
    expect((await db.prisma.setting.findUnique({ where: { key: "template-test" } }))?.value).toEqual({ kept: true });
  });

  it("is never used for other migrations: a changed or added migration names another template", () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "kd-migrations-"));
    try {
      fs.cpSync(MIGRATIONS, copy, { recursive: true });
      expect(templatePath(copy)).toBe(templatePath());
      const last = readMigrations(copy).at(-1)!;
      fs.appendFileSync(path.join(copy, last.name, "migration.sql"), "\n-- edited\n");
      const edited = templatePath(copy);
      expect(edited).not.toBe(templatePath());
      fs.mkdirSync(path.join(copy, "9999_added"));
      fs.writeFileSync(path.join(copy, "9999_added", "migration.sql"), "SELECT 1;\n");
      expect(templatePath(copy)).not.toBe(edited);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
