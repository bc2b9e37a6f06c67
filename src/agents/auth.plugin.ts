import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { AppError } from "../errors.js";
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
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = bearerToken(request);
    const principal = token ? await auth.authenticate(token) : undefined;
    if (!principal) throw new AppError("UNAUTHENTICATED");
    if (roles.length && !roles.includes(principal.role)) throw new AppError("FORBIDDEN");
    request.principal = principal;
  };
}

/** Every staff member: agent, supervisor, admin. */
export const STAFF: Role[] = ["agent", "supervisor", "admin"];
