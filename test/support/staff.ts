import { AuthService, type Role } from "../../src/agents/auth.service.js";
import type { App } from "../../src/app.js";

/** Creates a staff account directly in the database and logs it in through the API. */
export async function createStaff(
  app: App,
  baseUrl: string,
  opts: { username: string; role?: Role; groups?: string[]; password?: string; displayName?: string },
): Promise<{ id: string; token: string; username: string }> {
  const password = opts.password ?? "staff-pass-123";
  const groupCodes = opts.groups ?? [];
  for (const code of groupCodes) {
    await app.db.prisma.group.upsert({ where: { code }, create: { code, nameZh: code, nameEn: code }, update: {} });
  }
  const agent = await app.db.prisma.agent.create({
    data: {
      username: opts.username,
      displayName: opts.displayName ?? opts.username,
      passwordHash: await AuthService.hashPassword(password),
      role: opts.role ?? "agent",
      groups: { create: groupCodes.map((groupCode) => ({ groupCode })) },
    },
  });
  const token = await login(baseUrl, opts.username, password);
  return { id: agent.id, token, username: opts.username };
}

export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Calls the API as a staff member; returns status and parsed JSON body. */
export async function staffApi<T = Record<string, unknown>>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // application/json only: JSON Lines exports (application/x-ndjson) stay text.
  const isJson = /^application\/json\b/.test(res.headers.get("content-type") ?? "");
  return { status: res.status, body: (text ? (isJson ? JSON.parse(text) : text) : null) as T };
}
