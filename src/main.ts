// `npm start`: the embedded default with no env vars (PGlite in ./data, in-process scheduler);
// scale mode with DATABASE_URL + REDIS_URL. See README.
import cluster from "node:cluster";
import { buildApp } from "./app.js";
import { instanceCount, printsBanner, superviseInstances } from "./cluster.js";
import { type Config, ConfigError, loadConfig } from "./config.js";

// `npm start -- --role web|worker|all` (scale mode): the same as ROLE=…
const roleFlag = process.argv.indexOf("--role");
if (roleFlag > 0) process.env.ROLE = process.argv[roleFlag + 1] ?? "";
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const instances = instanceCount(config);
// No top-level await: `npm start` runs this file bundled as CommonJS (scripts/build.mjs).
if (instances > 1 && cluster.isPrimary) superviseInstances(instances);
else
  runInstance(config).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });

async function runInstance(config: Config): Promise<void> {
  // "ready in" counts from process start (issue 20): module loading and transpiling happen before
  // this file's first line runs, and were left out when the clock started here.
  const app = await buildApp(config);
  await app.listen();
  const url = config.publicUrl;
  const lines = [
    "",
    `  快递客服 kuaidi-desk is ready (${config.mode} mode, ${app.db.kind}) in ${Math.round(process.uptime() * 1000)} ms`,
    "",
    `  Web chat (customers)   ${url}/`,
    `  Agent console          ${url}/console`,
    `  Supervisor dashboard   ${url}/dashboard`,
    `  Administration         ${url}/admin`,
    `  API docs (OpenAPI)     ${url}/docs`,
    `  Health                 ${url}/healthz  ${url}/readyz  ${url}/metrics`,
    "",
  ];
  if (app.firstAdmin) {
    lines.push(
      "  First admin login (shown once; only its hash is stored):",
      `    username: ${app.firstAdmin.username}`,
      app.firstAdmin.generated
        ? `    password: ${app.firstAdmin.password}`
        : "    password: the value of ADMIN_PASSWORD",
      "",
    );
  } else {
    lines.push("  Admin login: username `admin` with the password printed on the first start (or ADMIN_PASSWORD).", "");
  }
  // With several instances the first prints the URLs; whichever created the first admin prints its login.
  if (printsBanner() || app.firstAdmin) process.stdout.write(`${lines.join("\n")}\n`);

  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      app.log.info({ signal }, "shutting down");
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      app.close().then(
        () => process.exit(0),
        (err) => {
          app.log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
}
