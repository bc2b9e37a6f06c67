import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";

/**
 * A secret generated once and kept in the Setting table, so every instance in scale mode
 * signs and verifies with the same key and restarts keep sessions valid.
 */
export async function sharedSecret(db: Db, key: string): Promise<string> {
  const existing = await db.setting.findUnique({ where: { key } });
  if (existing) return existing.value as string;
  const value = randomBytes(32).toString("base64url");
  await db.setting.createMany({ data: [{ key, value: value as Prisma.InputJsonValue }], skipDuplicates: true });
  const stored = await db.setting.findUniqueOrThrow({ where: { key } });
  return stored.value as string;
}
