import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { AppError } from "../errors.js";
import { API_KEY_PREFIX, type ApiScope } from "./api-scopes.js";
import type { AuthService, Principal, Role } from "./auth.service.js";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim() || undefined;
  return undefined;
}

/**
 * onRequest hook: 401 without a valid token, 403 when the role is not among `roles`. It runs
 * before the body is parsed and validated, so an anonymous caller learns nothing from 400s.
 */
export function requireRole(auth: AuthService, ...roles: Role[]): onRequestAsyncHookHandler {
  return requireAccess(auth, { roles });
}

/**
 * requireRole that also admits an API key holding `scope` (issue 21). A key on a route whose
 * hook names no scope, or another one, gets 403 FORBIDDEN; every key use, allowed or not, is in
 * the audit log (actorType `api_key`).
 */
export function requireAccess(
  auth: AuthService,
  access: { roles: Role[]; scope?: ApiScope },
): onRequestAsyncHookHandler {
  const { roles, scope } = access;
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(request);
    if (token?.startsWith(API_KEY_PREFIX)) {
      const principal = await auth.authenticateKey(token);
      if (!principal?.apiKey) throw new AppError("UNAUTHENTICATED");
      const allowed = scope !== undefined && principal.apiKey.scopes.includes(scope);
      await auth.auditKeyUse(principal.apiKey.id, {
        allowed,
        method: request.method,
        route: request.routeOptions.url ?? request.url.split("?")[0] ?? "",
        scope: scope ?? null,
      });
      if (!allowed) throw new AppError("FORBIDDEN", "This API key has no scope for this route");
      request.principal = principal;
      return;
    }
    const principal = token ? await auth.authenticate(token) : undefined;
    if (!principal) throw new AppError("UNAUTHENTICATED");
    // Fail closed: an empty list admits no staff (a key-only route), never every role.
    if (!roles.includes(principal.role)) throw new AppError("FORBIDDEN");
    request.principal = principal;
  };
}

/** Every staff member: agent, supervisor, admin. */
export const STAFF: Role[] = ["agent", "supervisor", "admin"];
