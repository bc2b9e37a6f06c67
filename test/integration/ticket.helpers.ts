import { AuthService } from "../../src/agents/auth.service.js";
import type { App } from "../../src/app.js";

/** Creates an agent account directly (as an admin would) and logs it in through the API. */
export async function staffLogin(
  app: App,
  baseUrl: string,
  username: string,
  role: "agent" | "supervisor" | "admin",
  groups: string[] = [],
): Promise<{ id: string; token: string }> {
  const password = `pw-${username}-12345`;
  const agent = await app.db.prisma.agent.create({
    data: {
      username,
      displayName: username,
      role,
      passwordHash: await AuthService.hashPassword(password),
      groups: { create: groups.map((groupCode) => ({ groupCode })) },
    },
    select: { id: true },
  });
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return { id: agent.id, token: ((await res.json()) as { token: string }).token };
}

export interface ApiResult<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** JSON API call with a bearer token. */
export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export interface TicketJson {
  id: string;
  number: string;
  category: string;
  priority: string;
  status: string;
  groupCode: string;
  assigneeId: string | null;
  waybill: string | null;
  description: string;
  contactPhone: string | null;
  conversationId: string | null;
  resolution: string | null;
  rootCause: string | null;
  breached: boolean;
  slaClocks: {
    id: string;
    kind: string;
    policy: string;
    targetMinutes: number;
    startedAt: string;
    dueAt: string;
    pausedMs: number;
    state: string;
    warnedAt?: string;
    metAt?: string;
    breachedAt?: string;
  }[];
  events: { type: string; actorType: string; actorId: string | null; data: Record<string, unknown> }[];
}

/** Polls until fn returns a truthy value (for work done by scheduler triggers). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const TICKET_NUMBER = /\d{6}-\d{5}/;
