/**
 * Routing of service requests to groups as data (issue 15: "Request policies … group … are
 * data an admin edits, like SLA policies"). One Setting row holds the admin's choices; a type
 * without one goes where REQUEST_GROUP sends it (003 §6.1.3 处理小组).
 */

import { auditStaff } from "../agents/audit.js";
import { AppError } from "../errors.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { GroupCode } from "./ticket-rules.js";
import { isRequestType, REQUEST_GROUP, REQUEST_TYPES, type RequestType } from "./ticket-types.js";

const KEY = "request_routing";

export interface RequestRoute {
  type: RequestType;
  groupCode: string;
  /** false while the type follows the built-in default (REQUEST_GROUP). */
  custom: boolean;
}

export class RequestRouting {
  constructor(private readonly db: Pick<PrismaClient, "setting" | "group" | "$transaction">) {}

  private async stored(db: Pick<PrismaClient, "setting"> = this.db): Promise<Partial<Record<RequestType, string>>> {
    const row = await db.setting.findUnique({ where: { key: KEY } });
    const value = row?.value;
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Partial<Record<RequestType, string>>)
      : {};
  }

  /** Every request type with the group its new requests go to. */
  async routes(): Promise<RequestRoute[]> {
    const stored = await this.stored();
    return REQUEST_TYPES.map((type) => ({
      type,
      groupCode: stored[type] ?? REQUEST_GROUP[type],
      custom: stored[type] !== undefined,
    }));
  }

  /** The group a new request of this type is opened in. */
  async groupFor(type: RequestType): Promise<GroupCode> {
    return ((await this.stored())[type] ?? REQUEST_GROUP[type]) as GroupCode;
  }

  /** Sends new requests of a type to a group (audited); requests already open stay where they are. */
  async put(type: string, groupCode: string, agentId: string): Promise<RequestRoute> {
    if (!isRequestType(type))
      throw new AppError("REQUEST_TYPE_UNKNOWN", `Unknown request type: ${type}`, { types: REQUEST_TYPES });
    const group = await this.db.group.findUnique({ where: { code: groupCode }, select: { code: true } });
    if (!group) throw new AppError("GROUP_UNKNOWN", `Unknown group: ${groupCode}`);
    await this.db.$transaction(async (tx) => {
      const stored = await this.stored(tx);
      const previous = stored[type] ?? REQUEST_GROUP[type];
      const value = { ...stored, [type]: groupCode } as Prisma.InputJsonValue;
      await tx.setting.upsert({ where: { key: KEY }, create: { key: KEY, value }, update: { value } });
      await auditStaff(tx, agentId, {
        action: "request_routing.put",
        subjectType: "request_type",
        subjectId: type,
        data: { groupCode, previous },
      });
    });
    return { type, groupCode, custom: true };
  }
}
