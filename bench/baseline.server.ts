// The bench's baseline: a bare Fastify route that does the same minimum database work as a
// bot turn (store the inbound and the outbound message in one transaction), without the bot.
// Started as its own process by bench/run.ts, on the same database kind as the product.
import Fastify from "fastify";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";

const port = Number(process.env.PORT ?? 3999);
const db = await openDatabase({
  databaseUrl: process.env.DATABASE_URL,
  pgliteDir: `${process.env.DATA_DIR ?? "./data"}/pglite`,
});
await migrate(db);
const prisma = db.prisma;

const customer = await prisma.customer.create({ data: {} });
const identity = await prisma.channelIdentity.create({
  data: { channel: "bench", externalId: `baseline-${Date.now()}`, customerId: customer.id, address: {} },
});
const conversation = await prisma.conversation.create({
  data: { customerId: customer.id, channel: "bench", identityId: identity.id },
});

// The minimum work, done the fastest way the driver allows: both rows in one statement (one
// transaction, one round trip), the same driver and pool the product's hot path uses.
const STORE_TURN = `
  WITH inbound AS (
    INSERT INTO "Message" (id, "conversationId", direction, author, channel, text)
    VALUES (gen_random_uuid(), $1::uuid, 'in', 'customer', 'bench', $2))
  INSERT INTO "Message" (id, "conversationId", direction, author, channel, text)
  VALUES (gen_random_uuid(), $1::uuid, 'out', 'bot', 'bench', $3)
  RETURNING id, text`;

const app = Fastify();
app.post<{ Body: { text: string } }>("/turn", async (request) => {
  const text = request.body.text;
  const replies = await db.query<{ id: string; text: string }>(
    STORE_TURN,
    [conversation.id, text, `echo: ${text}`],
    "baseline_turn",
  );
  return { replies };
});
await app.listen({ port, host: "127.0.0.1" });
process.stdout.write("baseline is ready\n");
const stop = async () => {
  await app.close();
  await db.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
