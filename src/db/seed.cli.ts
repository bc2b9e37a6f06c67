// `npm run seed`: (re)seeds the demo shipments with times relative to now, so tracking
// questions have realistic answers. Idempotent. Stop the server first in embedded mode.
import pino from "pino";
import { loadConfig } from "../config.js";
import { DEMO_RECEIVER_PHONE, DEMO_SHIPMENTS, seedDemoShipments } from "../tracking/demo-data.js";
import { TrackingIngestService } from "../tracking/ingest.service.js";
import { openDatabase } from "./client.js";
import { migrate } from "./migrate.js";

const config = loadConfig();
const db = await openDatabase({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir });
try {
  await migrate(db);
  const result = await seedDemoShipments(db.prisma, new TrackingIngestService(db.prisma, pino({ level: "silent" })), {
    force: true,
  });
  console.log(`Seeded ${result.shipments} demo shipments (${result.events} tracking events). Try e.g.:`);
  for (const s of DEMO_SHIPMENTS.filter((_, i) => i % 6 === 0))
    console.log(`  ${s.waybill}  (${s.carrier}, ${s.scenario})`);
  console.log(
    `Customers with phone ${DEMO_RECEIVER_PHONE.slice(0, 3)}****${DEMO_RECEIVER_PHONE.slice(-4)} see "我最近的快递".`,
  );
} finally {
  await db.close();
}
