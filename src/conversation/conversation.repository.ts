import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.js";
import { Prisma } from "../generated/prisma/client.js";
import type { ChannelAddress, QuickReply } from "./channel.js";
import type { DialogState } from "./turn-state.js";

/** Everything a turn needs, read in the same round trip that stores the inbound message. */
export interface TurnInput {
  inboundId: string;
  seq: bigint;
  createdAt: Date;
  text: string;
  channel: string;
  payload: unknown;
  status: string;
  conversationId: string;
  customerId: string;
  mode: string;
  locale: string;
  address: ChannelAddress;
  state: DialogState | null;
  /** A ticket of this conversation waits on the customer (their message resumes it). */
  hasPendingTicket: boolean;
}

export interface StoredReply {
  id: string;
  outboxId: string;
  seq: bigint;
  createdAt: Date;
  text: string;
  quickReplies?: QuickReply[];
}

export interface TurnOutcome {
  inboundId: string;
  conversationId: string;
  channel: string;
  address: ChannelAddress;
  replies: { text: string; quickReplies?: QuickReply[] }[];
  state: DialogState;
  intent?: string | undefined;
  category?: string | undefined;
  /** Set when the bot hands the conversation to a human this turn. */
  handoffReason: string | null;
  /** The channel delivers by storing (web chat): outbox rows are written already sent. */
  sentOnCommit: boolean;
}

/** How long the instance that wrote a reply owns its outbox row before anyone else may send it. */
export const FRESH_OUTBOX_LEASE_SECONDS = 30;

/** A row of the turn queries is exactly the turn input. */
type TurnRow = TurnInput;

const TURN_COLUMNS = Prisma.sql`c.id AS "conversationId", c."customerId", c.mode, c.locale, ci.address, bs.data AS state,
  EXISTS (SELECT 1 FROM "Ticket" t WHERE t."conversationId" = c.id AND t.status = 'pending_customer') AS "hasPendingTicket"`;

/**
 * The turn's hot path in raw SQL, a few round trips per turn: each step is one statement
 * (data-modifying CTEs), so it is atomic without an explicit transaction. Prisma's model API
 * costs ~1 ms of CPU per query here (measured on PGlite); this path matters for throughput.
 */
export class ConversationRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores the inbound message (deduped by channel message id) and reads the turn's inputs.
   * Returns "duplicate" for a retried delivery and "closed" when the conversation was closed
   * meanwhile (the caller then opens a new one).
   */
  async insertInbound(args: {
    conversationId: string;
    channel: string;
    channelMessageId: string | null;
    text: string;
    payload: unknown;
  }): Promise<TurnInput | "duplicate" | "closed"> {
    const id = randomUUID();
    const rows = await this.db.$queryRaw<TurnRow[]>`
      WITH ins AS (
        INSERT INTO "Message" (id, "conversationId", direction, author, channel, "channelMessageId", text, payload, status)
        SELECT ${id}::uuid, ${args.conversationId}::uuid, 'in', 'customer', ${args.channel}, ${args.channelMessageId},
               ${args.text}, ${JSON.stringify(args.payload)}::jsonb, 'received'
        WHERE EXISTS (SELECT 1 FROM "Conversation" WHERE id = ${args.conversationId}::uuid AND mode <> 'closed')
        ON CONFLICT (channel, "channelMessageId") DO NOTHING
        RETURNING id, seq, "createdAt", text, channel, payload, status)
      SELECT ins.id AS "inboundId", ins.seq, ins."createdAt", ins.text, ins.channel, ins.payload, ins.status, ${TURN_COLUMNS}
      FROM ins
      JOIN "Conversation" c ON c.id = ${args.conversationId}::uuid
      JOIN "ChannelIdentity" ci ON ci.id = c."identityId"
      LEFT JOIN "BotState" bs ON bs.key = ${args.conversationId}`;
    const row = rows[0];
    if (row) return row;
    if (args.channelMessageId) {
      const dup = await this.db.$queryRaw<{ n: number }[]>`
        SELECT 1 AS n FROM "Message" WHERE channel = ${args.channel} AND "channelMessageId" = ${args.channelMessageId}`;
      if (dup.length) return "duplicate";
    }
    return "closed";
  }

  /** Reads a stored inbound message's turn inputs (replay after a crash, retried delivery). */
  async loadTurn(inboundId: string): Promise<TurnInput | undefined> {
    const rows = await this.db.$queryRaw<TurnRow[]>`
      SELECT m.id AS "inboundId", m.seq, m."createdAt", m.text, m.channel, m.payload, m.status, ${TURN_COLUMNS}
      FROM "Message" m
      JOIN "Conversation" c ON c.id = m."conversationId"
      JOIN "ChannelIdentity" ci ON ci.id = c."identityId"
      LEFT JOIN "BotState" bs ON bs.key = c.id::text
      WHERE m.id = ${inboundId}::uuid`;
    return rows[0];
  }

  /**
   * Commits a turn in one statement: the replies (Message + Outbox, leased to this instance),
   * the dialog state, the inbound message's "processed" mark and the conversation's summary.
   * Guarded by the inbound message still being "received": a turn replayed concurrently
   * elsewhere commits nothing the second time (returns undefined).
   */
  async commitTurn(turn: TurnOutcome): Promise<StoredReply[] | undefined> {
    const replies = turn.replies.map((r) => ({ ...r, id: randomUUID(), outboxId: randomUUID() }));
    const stateJson = JSON.stringify(turn.state);
    const intent = turn.intent ?? null;
    const category = turn.category ?? null;
    const handoff = turn.handoffReason !== null;
    const processed = Prisma.sql`
      inb AS (
        UPDATE "Message" SET status = 'processed', "processedAt" = now(), intent = ${intent}
        WHERE id = ${turn.inboundId}::uuid AND status = 'received'
        RETURNING id),
      st AS (
        INSERT INTO "BotState" (key, data, etag, "updatedAt")
        SELECT ${turn.conversationId}, ${stateJson}::jsonb, 1, now() FROM inb
        ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, etag = "BotState".etag + 1, "updatedAt" = now()
        RETURNING 1),
      cv AS (
        UPDATE "Conversation" SET "lastMessageAt" = now(),
          "lastIntent" = COALESCE(${intent}, "lastIntent"),
          "lastCategory" = COALESCE(${category}, "lastCategory"),
          mode = CASE WHEN ${handoff} AND mode = 'bot' THEN 'queued' ELSE mode END,
          "queuedAt" = CASE WHEN ${handoff} AND mode = 'bot' THEN now() ELSE "queuedAt" END,
          "handoffReason" = CASE WHEN ${handoff} AND mode = 'bot' THEN ${turn.handoffReason} ELSE "handoffReason" END
        WHERE id = ${turn.conversationId}::uuid AND EXISTS (SELECT 1 FROM inb)
        RETURNING 1)`;
    if (!replies.length) {
      const rows = await this.db.$queryRaw<{ n: bigint }[]>`WITH ${processed} SELECT count(*) AS n FROM inb`;
      return Number(rows[0]?.n ?? 0) > 0 ? [] : undefined;
    }
    const values = Prisma.join(
      replies.map(
        (r, i) =>
          Prisma.sql`(${r.id}::uuid, ${r.outboxId}::uuid, ${r.text}, ${
            r.quickReplies?.length ? JSON.stringify({ quickReplies: r.quickReplies }) : null
          }::jsonb, ${i})`,
      ),
    );
    const rows = await this.db.$queryRaw<{ id: string; seq: bigint; createdAt: Date }[]>`
      WITH ${processed},
      v (id, box_id, text, payload, ord) AS (VALUES ${values}),
      msgs AS (
        INSERT INTO "Message" (id, "conversationId", direction, author, channel, text, payload, status, "replyToId")
        SELECT v.id, ${turn.conversationId}::uuid, 'out', 'bot', ${turn.channel}, v.text, v.payload, 'queued', ${turn.inboundId}::uuid
        FROM v WHERE EXISTS (SELECT 1 FROM inb) ORDER BY v.ord
        RETURNING id, seq, "createdAt"),
      box AS (
        INSERT INTO "Outbox" (id, "messageId", channel, address, "nextAttemptAt", status, "sentAt", attempts)
        SELECT v.box_id, msgs.id, ${turn.channel}, ${JSON.stringify(turn.address)}::jsonb,
               now() + make_interval(secs => ${FRESH_OUTBOX_LEASE_SECONDS}),
               ${turn.sentOnCommit ? "sent" : "pending"}, CASE WHEN ${turn.sentOnCommit} THEN now() END,
               CASE WHEN ${turn.sentOnCommit} THEN 1 ELSE 0 END
        FROM msgs JOIN v ON v.id = msgs.id
        RETURNING 1)
      SELECT msgs.id, msgs.seq, msgs."createdAt" FROM msgs, (SELECT count(*) FROM box) b ORDER BY msgs.seq`;
    if (!rows.length) return undefined;
    const byId = new Map(rows.map((r) => [r.id, r]));
    return replies.map((r) => {
      const row = byId.get(r.id);
      if (!row) throw new Error("commitTurn: a reply was not stored");
      return {
        id: r.id,
        outboxId: r.outboxId,
        seq: row.seq,
        createdAt: row.createdAt,
        text: r.text,
        ...(r.quickReplies?.length ? { quickReplies: r.quickReplies } : {}),
      };
    });
  }
}
