import type { FastifyReply, FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { requireAccess } from "../../src/agents/auth.plugin.js";
import type { AuthService } from "../../src/agents/auth.service.js";

// The hook's role rule on its own: a signed-in staff member of each role against a route's list.
describe("requireAccess role list", () => {
  const staffOf = (role: "agent" | "supervisor" | "admin") =>
    ({ authenticate: async () => ({ agentId: "a1", role, groups: [] }) }) as unknown as AuthService;
  const request = () =>
    ({ headers: { authorization: "Bearer staff-token" }, method: "POST", url: "/x" }) as unknown as FastifyRequest;
  const run = (auth: AuthService, roles: ("agent" | "supervisor" | "admin")[]) =>
    requireAccess(auth, { roles, scope: "tracking:write" }).call(undefined as never, request(), {} as FastifyReply);

  it("an empty list (a route for API keys only) admits no staff role, not every one", async () => {
    for (const role of ["agent", "supervisor", "admin"] as const)
      await expect(run(staffOf(role), [])).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a list admits exactly its roles", async () => {
    await expect(run(staffOf("supervisor"), ["supervisor", "admin"])).resolves.toBeUndefined();
    await expect(run(staffOf("agent"), ["supervisor", "admin"])).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
