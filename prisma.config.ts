// Prisma CLI configuration. Prisma 6 with the JS engine works offline; Prisma 7's CLI
// downloads a schema engine and fails here (../shared/prisma-recipe.md).
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL ?? "";
const isPostgres = /^postgres(ql)?:\/\//.test(url);
// Must resolve, or the CLI tries to download a query engine; unused with PGlite.
if (!url) process.env.DATABASE_URL = "postgresql://pglite/local";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  async adapter() {
    if (isPostgres) {
      // adapter-pg 6.19 fails `migrate` on the `name` column type (prisma issue 27403).
      const { PrismaPg } = await import("adapter-pg7");
      return new PrismaPg({ connectionString: url });
    }
    const { PGlite } = await import("@electric-sql/pglite");
    const { PrismaPGlite } = await import("pglite-prisma-adapter");
    const dir = path.join(process.env.DATA_DIR ?? "./data", "pglite");
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const pglite = new PGlite(dir);
    process.once("beforeExit", () => void pglite.close());
    // Typed against an older driver-adapter-utils (prisma-recipe.md); the runtime shape matches.
    return new PrismaPGlite(pglite) as unknown as InstanceType<typeof import("adapter-pg7").PrismaPg>;
  },
});
