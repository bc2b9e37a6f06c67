// `npm run migrate`: applies committed migrations to DATABASE_URL, or to the PGlite data dir.
// Do not run it against the PGlite dir while the server runs (PGlite is single-process).
import { loadConfig } from "../config.js";
import { openDatabase } from "./client.js";
import { migrate } from "./migrate.js";

const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir });
try {
  const result = await migrate(db);
  console.log(
    result.applied.length
      ? `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
      : `Database is up to date (${result.alreadyApplied} migration(s) applied earlier).`,
  );
} finally {
  await db.close();
}
