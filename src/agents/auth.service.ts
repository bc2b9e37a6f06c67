import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { AppError } from "../errors.js";
import { API_KEY_PREFIX, type ApiScope } from "./api-scopes.js";

export const ROLES = ["agent", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  agentId: string;
  username: string;
  displayName: string;
  role: Role;
  groups: string[];
  /**
   * Set when the caller is another system using an API key (issue 21). Such a principal passes
   * only hooks that accept one of its scopes; its agentId is the nil uuid and must never be
   * written as an agent (route handlers act as the system instead: see `isApiKey`).
   */
  apiKey?: { id: string; name: string; scopes: ApiScope[] };
}

/** The agentId of an API-key principal: matches no agent (no assignee, no group). */
export const API_KEY_AGENT_ID = "00000000-0000-0000-0000-000000000000";
export const isApiKey = (p: Principal): boolean => p.apiKey !== undefined;

export interface AuthOptions {
  tokenTtlHours: number;
  maxFailures: number;
  lockoutMinutes: number;
  /** The clock of token expiry, lockout and the principal cache (tests pin it); default the wall clock. */
  now?: () => Date;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
// A hash to verify against when the user does not exist, so timing does not reveal it.
let dummyHash: Promise<string> | undefined;
/** The attempt statement's target for a login with no usable account: matches no row. */
const NO_AGENT = "00000000-0000-0000-0000-000000000000";

/** Agent accounts: argon2id password hashes, opaque bearer tokens (only their hash is stored), lockout. */
export class AuthService {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: AuthOptions,
  ) {}

  private nowMs(): number {
    return this.opts.now ? this.opts.now().getTime() : Date.now();
  }

  static hashPassword(password: string): Promise<string> {
    return hash(password);
  }

  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; principal: Principal }> {
    const agent = await this.db.agent.findUnique({
      where: { username },
      include: { groups: { select: { groupCode: true } } },
    });
    // An unknown, disabled or locked account answers exactly like a wrong password (same 401,
    // same code) after the same work — the attempt statement, one argon2 verify, one audit row —
    // so neither the answer nor its timing tells an attacker which accounts exist or are locked
    // (bench/login.bench.ts prints the medians).
    const attempt = await this.countAttempt(agent?.active ? agent.id : NO_AGENT);
    if (!agent || attempt !== "counted") {
      dummyHash ??= hash("not-a-real-password");
      await verify(await dummyHash, password).catch(() => false);
      if (agent) await this.audit(agent.id, attempt === "locked" ? "login.locked" : "login.refused");
      else await this.auditUnknown(username);
      throw new AppError("INVALID_CREDENTIALS");
    }
    const ok = await verify(agent.passwordHash, password).catch(() => false);
    const id = agent.id;
    if (!ok) {
      await this.audit(id, "login.failed");
      throw new AppError("INVALID_CREDENTIALS");
    }
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(this.nowMs() + this.opts.tokenTtlHours * 3_600_000);
    // Accepted only if no concurrent guess locked the account meanwhile; clears this attempt's count.
    const accepted = await this.db.$transaction(async (tx) => {
      const cleared = await tx.$executeRaw`
        UPDATE "Agent" SET "failedLogins" = 0, "lockedUntil" = NULL
        WHERE id = ${id}::uuid AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${new Date(this.nowMs())}::timestamp)`;
      if (cleared === 0) return false;
      await tx.authSession.create({ data: { id: sha256(token), agentId: id, expiresAt } });
      return true;
    });
    if (!accepted) throw new AppError("INVALID_CREDENTIALS");
    await this.audit(id, "login");
    return {
      token,
      expiresAt,
      principal: {
        agentId: agent.id,
        username: agent.username,
        displayName: agent.displayName,
        role: agent.role as Role,
        groups: agent.groups.map((g) => g.groupCode),
      },
    };
  }

  /**
   * Counts an attempt before its password is checked, in one statement, so concurrent guesses
   * cannot all read "not locked" (issue 20: 40 at once, the right one among them, were
   * accepted and nothing locked). The attempt beyond LOGIN_MAX_FAILURES locks the account and
   * is refused; a success clears the count. In-flight attempts count as failures until then.
   */
  private async countAttempt(agentId: string): Promise<"counted" | "locked" | "refused"> {
    const until = new Date(this.nowMs() + this.opts.lockoutMinutes * 60_000);
    const rows = await this.db.$queryRaw<{ locked: boolean }[]>`
      UPDATE "Agent" SET
        "failedLogins" = CASE WHEN "failedLogins" + 1 > ${this.opts.maxFailures} THEN 0 ELSE "failedLogins" + 1 END,
        "lockedUntil" = CASE WHEN "failedLogins" + 1 > ${this.opts.maxFailures} THEN ${until}::timestamp ELSE NULL END
      WHERE id = ${agentId}::uuid AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${new Date(this.nowMs())}::timestamp)
      RETURNING "lockedUntil" IS NOT NULL AS locked`;
    const row = rows[0];
    if (!row) return "refused";
    return row.locked ? "locked" : "counted";
  }

  /** Resolves a bearer token; cached for a few seconds to keep the hot path off the database. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const id = sha256(token);
    const hit = this.cache.get(id);
    if (hit && hit.until > this.nowMs()) return hit.principal;
    const session = await this.db.authSession.findUnique({
      where: { id },
      include: { agent: { include: { groups: { select: { groupCode: true } } } } },
    });
    if (!session || session.revokedAt || session.expiresAt.getTime() <= this.nowMs() || !session.agent.active) {
      this.cache.delete(id);
      return undefined;
    }
    const principal: Principal = {
      agentId: session.agent.id,
      username: session.agent.username,
      displayName: session.agent.displayName,
      role: session.agent.role as Role,
      groups: session.agent.groups.map((g) => g.groupCode),
    };
    this.cache.set(id, { principal, until: Math.min(this.nowMs() + 5_000, session.expiresAt.getTime()) });
    if (this.cache.size > 10_000) this.cache.clear();
    return principal;
  }

  /**
   * Resolves an API key (`kd_…`, issue 21). Unknown: undefined (401 UNAUTHENTICATED); expired or
   * revoked: 401 with its own code, and the refused use is in the audit log. Not cached, so a
   * revocation takes effect on the next request. The principal reads tickets like a supervisor.
   */
  async authenticateKey(key: string): Promise<Principal | undefined> {
    if (!key.startsWith(API_KEY_PREFIX)) return undefined;
    const row = await this.db.apiKey.findUnique({ where: { hash: sha256(key) } });
    if (!row) return undefined;
    const refused = row.revokedAt
      ? "API_KEY_REVOKED"
      : row.expiresAt && row.expiresAt.getTime() <= this.nowMs()
        ? "API_KEY_EXPIRED"
        : undefined;
    if (refused) {
      await this.db.auditEvent.create({
        data: { actorType: "api_key", actorId: row.id, action: "api_key.refused", data: { reason: refused } },
      });
      throw new AppError(refused);
    }
    return {
      agentId: API_KEY_AGENT_ID,
      username: `api_key:${row.name}`,
      displayName: row.name,
      role: "supervisor",
      groups: [],
      apiKey: { id: row.id, name: row.name, scopes: row.scopes as ApiScope[] },
    };
  }

  /** One use of an API key on a route (allowed or refused for want of scope), in the audit log. */
  async auditKeyUse(
    keyId: string,
    use: { allowed: boolean; method: string; route: string; scope: ApiScope | null },
  ): Promise<void> {
    const at = new Date(this.nowMs());
    await this.db.$transaction([
      this.db.auditEvent.create({
        data: {
          actorType: "api_key",
          actorId: keyId,
          action: use.allowed ? "api_key.used" : "api_key.denied",
          subjectType: "route",
          subjectId: `${use.method} ${use.route}`,
          data: { method: use.method, route: use.route, scope: use.scope },
        },
      }),
      this.db.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: at } }),
    ]);
  }

  /**
   * Forgets this process's cached principals of one agent (after a password reset, a role or
   * group change, a disabled account), so their next request reads the database again.
   */
  forgetAgent(agentId: string): void {
    for (const [id, hit] of this.cache) if (hit.principal.agentId === agentId) this.cache.delete(id);
  }

  /**
   * Forgets every cached principal: the event bus lost messages (a Redis reconnect), so an
   * agent.changed may have been missed; each next request reads the database again.
   */
  forgetAll(): void {
    this.cache.clear();
  }

  private readonly changeListeners: ((agentId: string) => void)[] = [];

  /** Called with the agent's id whenever agentChanged() is (the composition root tells every instance). */
  onAgentChanged(listener: (agentId: string) => void): void {
    this.changeListeners.push(listener);
  }

  /**
   * An account's password, role, groups or active flag changed: this process forgets its cached
   * principals at once, and the listeners (the event bus) tell every instance to do the same and
   * to close the agent's open live connections, which were authorised with the old account.
   */
  agentChanged(agentId: string): void {
    this.forgetAgent(agentId);
    for (const listener of this.changeListeners) listener(agentId);
  }

  async logout(token: string): Promise<void> {
    const id = sha256(token);
    this.cache.delete(id);
    const session = await this.db.authSession.findUnique({ where: { id }, select: { agentId: true, revokedAt: true } });
    await this.db.authSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (session && !session.revokedAt) await this.audit(session.agentId, "logout");
  }

  /**
   * Creates the first admin when no account exists. The password comes from ADMIN_PASSWORD
   * or is generated, returned once to be printed once, and stored only as an argon2 hash.
   */
  async bootstrapAdmin(
    password?: string,
  ): Promise<{ created: boolean; username: string; password?: string; generated: boolean }> {
    const count = await this.db.agent.count();
    if (count > 0) return { created: false, username: "admin", generated: false };
    const generated = !password;
    const pw = password ?? randomBytes(12).toString("base64url");
    await this.db.agent.create({
      data: {
        username: "admin",
        displayName: "管理员",
        passwordHash: await AuthService.hashPassword(pw),
        role: "admin",
      },
    });
    this.log.info({ username: "admin" }, "first admin account created");
    return { created: true, username: "admin", password: pw, generated };
  }

  /** A login for a username no account has (enumeration and spraying show up in the audit log). */
  private async auditUnknown(username: string): Promise<void> {
    await this.db.auditEvent.create({
      data: { actorType: "anonymous", action: "login.unknown_user", data: { username: username.slice(0, 64) } },
    });
  }

  private async audit(agentId: string, action: string): Promise<void> {
    await this.db.auditEvent.create({
      data: { actorType: "agent", actorId: agentId, action, subjectType: "agent", subjectId: agentId },
    });
  }
}
