import fs from "node:fs/promises";
import path from "node:path";
import type { Database } from "../db/client.js";

/**
 * Where attachment bytes live (issue 17). Two implementations, one contract
 * (test/integration/blob-store.contract.test.ts runs the same cases against each):
 * - FileBlobStore: embedded mode, files under DATA_DIR/attachments (PGlite is single-process,
 *   so is this; backups copy DATA_DIR whole).
 * - PgBlobStore: scale mode, a bytea row in PostgreSQL that every instance reads; each blob is
 *   capped (MAX_BLOB_BYTES), so the table stays a store of photos, not of arbitrary files.
 * Keys are opaque `[a-z0-9-]+` strings chosen by the caller (attachment id + suffix).
 */
export interface BlobStore {
  readonly kind: "file" | "postgres";
  /** Stores bytes under a new key; storing an existing key replaces it. */
  put(key: string, data: Buffer): Promise<void>;
  /** The bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes a key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Larger than any prepared image (10 MB upload, re-encoded) plus slack. */
export const MAX_BLOB_BYTES = 16 * 1024 * 1024;

const KEY = /^[a-z0-9][a-z0-9-]{0,127}$/;

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
}

function checkSize(data: Buffer): void {
  if (data.length > MAX_BLOB_BYTES) throw new Error(`blob of ${data.length} bytes exceeds ${MAX_BLOB_BYTES}`);
}

export class FileBlobStore implements BlobStore {
  readonly kind = "file";
  constructor(private readonly dir: string) {}

  private file(key: string): string {
    checkKey(key);
    // Two levels of fan-out keep directories small (ids are random).
    return path.join(this.dir, key.slice(0, 2), key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    checkSize(data);
    const file = this.file(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed: a crash never leaves a half file under the key.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.file(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }
}

export class PgBlobStore implements BlobStore {
  readonly kind = "postgres";
  constructor(private readonly db: Pick<Database, "query">) {}

  async put(key: string, data: Buffer): Promise<void> {
    checkKey(key);
    checkSize(data);
    await this.db.query(
      `INSERT INTO "AttachmentBlob"(key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data`,
      [key, data],
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    checkKey(key);
    const rows = await this.db.query<{ data: Uint8Array }>(`SELECT data FROM "AttachmentBlob" WHERE key = $1`, [key]);
    const row = rows[0];
    return row ? Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength) : undefined;
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    await this.db.query(`DELETE FROM "AttachmentBlob" WHERE key = $1`, [key]);
  }
}
