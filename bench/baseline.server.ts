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

const app = Fastify();
app.post<{ Body: { text: string } }>("/turn", async (request) => {
  const text = request.body.text;
  const [, out] = await prisma.$transaction([
    prisma.message.create({
      data: { conversationId: conversation.id, direction: "in", author: "customer", channel: "bench", text },
    }),
    prisma.message.create({
      data: {
        conversationId: conversation.id,
        direction: "out",
        author: "bot",
        channel: "bench",
        text: `echo: ${text}`,
      },
    }),
  ]);
  return { replies: [{ id: out.id, text: out.text }] };
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
