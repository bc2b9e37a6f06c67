import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";
import { type BlobStore, FileBlobStore, MAX_BLOB_BYTES, PgBlobStore } from "../../src/images/blob.store.js";
import { freshDataDir, freshPostgres } from "../support/databases.js";

/** Issue 17: one contract, every attachment store (embedded: files; scale: PostgreSQL bytea). */
const STORES: [string, () => Promise<{ store: BlobStore; reopen: () => BlobStore; close: () => Promise<void> }>][] = [
  [
    "files in DATA_DIR",
    async () => {
      const d = freshDataDir();
      return {
        store: new FileBlobStore(`${d.dir}/attachments`),
        reopen: () => new FileBlobStore(`${d.dir}/attachments`),
        close: async () => d.remove(),
      };
    },
  ],
  [
    "PostgreSQL bytea",
    async () => {
      const p = await freshPostgres();
      const db = await openDatabase({ databaseUrl: p.url, pgliteDir: "" });
      await migrate(db);
      const other: Database = await openDatabase({ databaseUrl: p.url, pgliteDir: "" });
      return {
        store: new PgBlobStore(db),
        // Another instance's pool: scale mode's instances all read the same bytes.
        reopen: () => new PgBlobStore(other),
        close: async () => {
          await db.close();
          await other.close();
          await p.drop();
        },
      };
    },
  ],
];

describe.each(STORES)("blob store contract: %s", (_name, open) => {
  let s: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    s = await open();
  });
  afterAll(async () => {
    await s?.close();
  });

  it("stores bytes exactly (every byte value) and another reader gets them back", async () => {
    const key = randomUUID();
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    await s.store.put(key, data);
    expect(Buffer.compare((await s.reopen().get(key))!, data)).toBe(0);
  });

  it("a missing key is undefined; put replaces; delete removes and is idempotent", async () => {
    const key = `${randomUUID()}-thumb`;
    expect(await s.store.get(key)).toBeUndefined();
    await s.store.put(key, Buffer.from("one"));
    await s.store.put(key, Buffer.from("two"));
    expect((await s.store.get(key))?.toString()).toBe("two");
    await s.store.delete(key);
    await s.store.delete(key);
    expect(await s.store.get(key)).toBeUndefined();
  });

  it("refuses keys that could escape (path traversal) and blobs over the cap", async () => {
    await expect(s.store.put("../etc/passwd", Buffer.from("x"))).rejects.toThrow(/invalid blob key/);
    await expect(s.store.get("a/b")).rejects.toThrow(/invalid blob key/);
    await expect(s.store.put(randomUUID(), Buffer.alloc(MAX_BLOB_BYTES + 1))).rejects.toThrow(/exceeds/);
  });
});
