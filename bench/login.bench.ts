// `npx tsx bench/login.bench.ts [--n N]`: the login answer's time for an unknown user, a wrong
// password, a locked account and the right password (issue 20: 27 / 35 / 8 ms medians let an
// attacker tell them apart). README promises the same answer after the same work (one argon2
// verify each); this prints each case's median and p90 in ms, then JSON on the last line.
// Embedded mode, one process, requests one at a time, cases interleaved so load drifts hit all.

import { startTestApp } from "../test/support/app.js";
import { createStaff } from "../test/support/staff.js";

const nFlag = process.argv.indexOf("--n");
const N = nFlag > 0 ? Number(process.argv[nFlag + 1]) : 40;

const t = await startTestApp("pglite", {
  DEMO_DATA: "false",
  RATE_LIMIT_LOGINS_PER_MINUTE: "100000",
  LOGIN_MAX_FAILURES: "3",
  LOGIN_LOCKOUT_MINUTES: "600",
});
try {
  await createStaff(t.app, t.baseUrl, { username: "known", password: "right-pass-123" });
  await createStaff(t.app, t.baseUrl, { username: "victim", password: "right-pass-123" });
  const login = async (username: string, password: string) => {
    const started = performance.now();
    const res = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    await res.text();
    return { ms: performance.now() - started, status: res.status };
  };
  // Lock "victim" (more failures than LOGIN_MAX_FAILURES).
  for (let i = 0; i < 5; i++) await login("victim", `wrong-${i}`);
  const cases = {
    unknownUser: () => login("nobody-here", "whatever-123"),
    wrongPassword: () => login("known", "wrong-pass-123"),
    lockedAccount: () => login("victim", "right-pass-123"),
  } as const;
  const samples: Record<string, number[]> = { unknownUser: [], wrongPassword: [], lockedAccount: [] };
  const statuses = new Set<number>();
  for (let i = 0; i < 3; i++) for (const run of Object.values(cases)) await run(); // warm-up
  for (let i = 0; i < N; i++) {
    for (const [name, run] of Object.entries(cases)) {
      const r = await run();
      statuses.add(r.status);
      samples[name]?.push(r.ms);
    }
    // The wrong-password account would lock too: reset it so the case stays "wrong password".
    await t.app.db.prisma.agent.update({ where: { username: "known" }, data: { failedLogins: 0, lockedUntil: null } });
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? NaN;
  const out: Record<string, { medianMs: number; p90Ms: number }> = {};
  for (const [name, xs] of Object.entries(samples)) {
    out[name] = { medianMs: Math.round(pct(xs, 0.5) * 10) / 10, p90Ms: Math.round(pct(xs, 0.9) * 10) / 10 };
    console.log(`${name.padEnd(14)} median ${out[name].medianMs} ms, p90 ${out[name].p90Ms} ms`);
  }
  console.log(`answers: ${[...statuses].join(", ")} (all must be 401)`);
  console.log(JSON.stringify({ n: N, statuses: [...statuses], ...out }));
} finally {
  await t.close();
}
