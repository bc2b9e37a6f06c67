import { randomUUID } from "node:crypto";
import type { ChannelAddress, QuickReply } from "../channel/channel.js";
import type { Database } from "../db/client.js";
import { GroupCommit } from "../db/group-commit.js";
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
  customerPhone: string | null;
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

/** A turn query's row: the turn input with driver-neutral bigint and timestamp columns. */
type TurnRow = Omit<TurnInput, "seq" | "createdAt"> & { seq: string; createdAtMs: number };

const toTurnInput = ({ seq, createdAtMs, ...rest }: TurnRow): TurnInput => ({
  ...rest,
  seq: BigInt(seq),
  createdAt: new Date(createdAtMs),
});

const TURN_COLUMNS = `m.id AS "inboundId", m.seq::text AS seq, (extract(epoch from m."createdAt") * 1000)::float8 AS "createdAtMs",
  m.text, m.channel, m.payload, m.status,
  c.id AS "conversationId", c."customerId", cu.phone AS "customerPhone", c.mode, c.locale, ci.address, bs.data AS state,
  EXISTS (SELECT 1 FROM "Ticket" t WHERE t."conversationId" = c.id AND t.status = 'pending_customer') AS "hasPendingTicket"`;

const TURN_JOINS = `JOIN "Conversation" c ON c.id = m."conversationId"
  JOIN "Customer" cu ON cu.id = c."customerId"
  JOIN "ChannelIdentity" ci ON ci.id = c."identityId"
  LEFT JOIN "BotState" bs ON bs.key = c.id::text`;

/**
 * Stores a batch of inbound messages (deduped by channel message id, only into conversations
 * still open) and reads each one's turn inputs, in one statement.
 */
const INSERT_INBOUND_SQL = `
  WITH v AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
      AS v(id, conv, channel, cmid, text, payload)),
  m AS (
    INSERT INTO "Message" (id, "conversationId", direction, author, channel, "channelMessageId", text, payload, status)
    SELECT v.id, v.conv, 'in', 'customer', v.channel, v.cmid, v.text, v.payload, 'received'
    FROM v JOIN "Conversation" oc ON oc.id = v.conv AND oc.mode <> 'closed'
    ON CONFLICT (channel, "channelMessageId") DO NOTHING
    RETURNING id, seq, "createdAt", text, channel, payload, status, "conversationId")
  SELECT ${TURN_COLUMNS} FROM m ${TURN_JOINS}`;

const LOAD_TURN_SQL = `SELECT ${TURN_COLUMNS} FROM "Message" m ${TURN_JOINS} WHERE m.id = $1::uuid`;

/**
 * Commits a batch of turns in one statement: per turn the replies (Message + Outbox, leased to
 * this instance), the dialog state, the inbound message's "processed" mark and the
 * conversation's summary. Each turn is guarded by its inbound message still being "received":
 * a turn replayed concurrently elsewhere commits nothing the second time.
 */
const COMMIT_TURNS_SQL = `
  WITH t AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::bool[])
      AS t(inbound, conv, state, intent, category, handoff, channel, address, sent)),
  inb AS (
    UPDATE "Message" m SET status = 'processed', "processedAt" = now(), intent = t.intent
    FROM t WHERE m.id = t.inbound AND m.status = 'received'
    RETURNING m.id),
  ok AS (SELECT t.* FROM t JOIN inb ON inb.id = t.inbound),
  st AS (
    INSERT INTO "BotState" (key, data, etag, "updatedAt")
    SELECT ok.conv::text, ok.state, 1, now() FROM ok
    ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, etag = "BotState".etag + 1, "updatedAt" = now()),
  cv AS (
    UPDATE "Conversation" c SET "lastMessageAt" = now(),
      "lastIntent" = COALESCE(ok.intent, c."lastIntent"),
      "lastCategory" = COALESCE(ok.category, c."lastCategory"),
      mode = CASE WHEN ok.handoff IS NOT NULL AND c.mode = 'bot' THEN 'queued' ELSE c.mode END,
      "queuedAt" = CASE WHEN ok.handoff IS NOT NULL AND c.mode = 'bot' THEN now() ELSE c."queuedAt" END,
      "handoffReason" = CASE WHEN ok.handoff IS NOT NULL AND c.mode = 'bot' THEN ok.handoff ELSE c."handoffReason" END
    FROM ok WHERE c.id = ok.conv),
  r AS (
    SELECT * FROM unnest($10::uuid[], $11::uuid[], $12::uuid[], $13::text[], $14::jsonb[], $15::int[])
      AS r(id, box, inbound, text, payload, ord)),
  msgs AS (
    INSERT INTO "Message" (id, "conversationId", direction, author, channel, text, payload, status, "replyToId")
    SELECT r.id, ok.conv, 'out', 'bot', ok.channel, r.text, r.payload, 'queued', r.inbound
    FROM r JOIN ok ON ok.inbound = r.inbound ORDER BY r.ord
    RETURNING id, seq, "createdAt"),
  box AS (
    INSERT INTO "Outbox" (id, "messageId", channel, address, "nextAttemptAt", status, "sentAt", attempts)
    SELECT r.box, msgs.id, ok.channel, ok.address, now() + interval '${FRESH_OUTBOX_LEASE_SECONDS} seconds',
           CASE WHEN ok.sent THEN 'sent' ELSE 'pending' END, CASE WHEN ok.sent THEN now() END,
           CASE WHEN ok.sent THEN 1 ELSE 0 END
    FROM msgs JOIN r ON r.id = msgs.id JOIN ok ON ok.inbound = r.inbound)
  SELECT inb.id AS committed, NULL::uuid AS id, NULL::text AS seq, NULL::float8 AS "createdAtMs" FROM inb
  UNION ALL
  SELECT NULL, msgs.id, msgs.seq::text, (extract(epoch from msgs."createdAt") * 1000)::float8 FROM msgs`;

interface InboundArgs {
  conversationId: string;
  channel: string;
  channelMessageId: string | null;
  text: string;
  payload: unknown;
}

type PlannedTurn = TurnOutcome & {
  planned: { id: string; outboxId: string; text: string; quickReplies?: QuickReply[] }[];
};

/**
 * The turn's hot path: two statements per turn, written with the driver directly (Prisma's
 * model API cost ~1 ms of CPU per query, measured on PGlite), and group-committed across
 * concurrent turns so that under load one statement carries many turns (GroupCommit).
 */
export class ConversationRepository {
  private readonly inbound: GroupCommit<InboundArgs & { id: string }, TurnInput | undefined>;
  private readonly commits: GroupCommit<PlannedTurn, StoredReply[] | undefined>;

  constructor(private readonly db: Pick<Database, "query" | "kind">) {
    // PGlite runs one query at a time anyway; PostgreSQL overlaps a few batches.
    const opts = { maxBatch: 64, maxInFlight: db.kind === "pglite" ? 1 : 4 };
    this.inbound = new GroupCommit((items) => this.insertInboundBatch(items), opts);
    this.commits = new GroupCommit((turns) => this.commitTurnBatch(turns), opts);
  }

  /**
   * Stores the inbound message (deduped by channel message id) and reads the turn's inputs.
   * Returns "duplicate" for a retried delivery and "closed" when the conversation was closed
   * meanwhile (the caller then opens a new one).
   */
  async insertInbound(args: InboundArgs): Promise<TurnInput | "duplicate" | "closed"> {
    const row = await this.inbound.run({ ...args, id: randomUUID() });
    if (row) return row;
    if (args.channelMessageId) {
      const dup = await this.db.query(
        `SELECT 1 AS n FROM "Message" WHERE channel = $1 AND "channelMessageId" = $2`,
        [args.channel, args.channelMessageId],
        "kd_inbound_dup",
      );
      if (dup.length) return "duplicate";
    }
    return "closed";
  }

  private async insertInboundBatch(items: (InboundArgs & { id: string })[]): Promise<(TurnInput | undefined)[]> {
    const rows = await this.db.query<TurnRow>(
      INSERT_INBOUND_SQL,
      [
        items.map((i) => i.id),
        items.map((i) => i.conversationId),
        items.map((i) => i.channel),
        items.map((i) => i.channelMessageId),
        items.map((i) => i.text),
        items.map((i) => JSON.stringify(i.payload ?? null)),
      ],
      "kd_insert_inbound",
    );
    const byId = new Map(rows.map((r) => [r.inboundId, r]));
    return items.map((i) => {
      const row = byId.get(i.id);
      return row ? toTurnInput(row) : undefined;
    });
  }

  /** Reads a stored inbound message's turn inputs (replay after a crash, retried delivery). */
  async loadTurn(inboundId: string): Promise<TurnInput | undefined> {
    const rows = await this.db.query<TurnRow>(LOAD_TURN_SQL, [inboundId], "kd_load_turn");
    return rows[0] ? toTurnInput(rows[0]) : undefined;
  }

  /**
   * Commits a turn: its replies, dialog state, processed mark and conversation summary
   * together. Returns undefined when a concurrent replay elsewhere already committed it.
   */
  commitTurn(turn: TurnOutcome): Promise<StoredReply[] | undefined> {
    const planned = turn.replies.map((r) => ({ ...r, id: randomUUID(), outboxId: randomUUID() }));
    return this.commits.run({ ...turn, planned });
  }

  private async commitTurnBatch(turns: PlannedTurn[]): Promise<(StoredReply[] | undefined)[]> {
    const replies = turns.flatMap((t) => t.planned.map((r, ord) => ({ ...r, inboundId: t.inboundId, ord })));
    const rows = await this.db.query<{
      committed: string | null;
      id: string | null;
      seq: string | null;
      createdAtMs: number | null;
    }>(
      COMMIT_TURNS_SQL,
      [
        turns.map((t) => t.inboundId),
        turns.map((t) => t.conversationId),
        turns.map((t) => JSON.stringify(t.state)),
        turns.map((t) => t.intent ?? null),
        turns.map((t) => t.category ?? null),
        turns.map((t) => t.handoffReason),
        turns.map((t) => t.channel),
        turns.map((t) => JSON.stringify(t.address)),
        turns.map((t) => t.sentOnCommit),
        replies.map((r) => r.id),
        replies.map((r) => r.outboxId),
        replies.map((r) => r.inboundId),
        replies.map((r) => r.text),
        replies.map((r) => (r.quickReplies?.length ? JSON.stringify({ quickReplies: r.quickReplies }) : null)),
        replies.map((r) => r.ord),
      ],
      "kd_commit_turns",
    );
    const committed = new Set(rows.flatMap((r) => (r.committed ? [r.committed] : [])));
    const stored = new Map(rows.flatMap((r) => (r.id ? [[r.id, r] as const] : [])));
    return turns.map((t) => {
      if (!committed.has(t.inboundId)) return undefined;
      return t.planned.map((r) => {
        const row = stored.get(r.id);
        if (!row?.seq || row.createdAtMs === null) throw new Error("commitTurn: a reply was not stored");
        return {
          id: r.id,
          outboxId: r.outboxId,
          seq: BigInt(row.seq),
          createdAt: new Date(row.createdAtMs),
          text: r.text,
          ...(r.quickReplies?.length ? { quickReplies: r.quickReplies } : {}),
        };
      });
    });
  }
}
