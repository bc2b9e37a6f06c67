import { createHash, randomBytes } from "node:crypto";
import { API_KEY_PREFIX, type ApiScope } from "../agents/api-scopes.js";
import { auditStaff } from "../agents/audit.js";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";

export interface ApiKeyView {
  id: string;
  name: string;
  /** The key's first characters (`kd_AbCd…`); the key itself is shown only at creation. */
  hint: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Admin side of API keys for systems (issue 21): create (key shown once), list, revoke. */
export class ApiKeyService {
  constructor(private readonly db: Db) {}

  async create(
    input: { name: string; scopes: ApiScope[]; expiresAt?: Date | undefined },
    adminId: string,
  ): Promise<ApiKeyView & { key: string }> {
    // 24 random bytes → 32 url-safe characters.
    const key = `${API_KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
    const row = await this.db.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: {
          name: input.name,
          hash: sha256(key),
          hint: `${key.slice(0, 7)}…`,
          scopes: [...new Set(input.scopes)],
          expiresAt: input.expiresAt ?? null,
          createdBy: adminId,
        },
      });
      await auditStaff(tx, adminId, {
        action: "api_key.created",
        subjectType: "api_key",
        subjectId: created.id,
        data: { name: created.name, scopes: created.scopes, expiresAt: iso(created.expiresAt) },
      });
      return created;
    });
    return { ...view(row), key };
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.db.apiKey.findMany({ orderBy: { createdAt: "desc" } });
    return rows.map(view);
  }

  async revoke(id: string, adminId: string, now: Date): Promise<ApiKeyView> {
    return this.db.$transaction(async (tx) => {
      const row = await tx.apiKey.findUnique({ where: { id } });
      if (!row) throw new AppError("API_KEY_NOT_FOUND");
      if (row.revokedAt) return view(row);
      const revoked = await tx.apiKey.update({ where: { id }, data: { revokedAt: now } });
      await auditStaff(tx, adminId, {
        action: "api_key.revoked",
        subjectType: "api_key",
        subjectId: id,
        data: { name: row.name },
      });
      return view(revoked);
    });
  }
}

function view(r: {
  id: string;
  name: string;
  hint: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    hint: r.hint,
    scopes: r.scopes,
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
    lastUsedAt: iso(r.lastUsedAt),
    createdAt: r.createdAt.toISOString(),
  };
}
