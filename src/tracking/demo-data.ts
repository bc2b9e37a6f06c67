import type { Db } from "../db/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { IncomingEvent, TrackingIngestService } from "./ingest.service.js";
import type { ShipmentStatus } from "./tracking.types.js";

/** A demo customer's phone: a customer whose Customer.phone is this sees "my recent parcels". */
export const DEMO_RECEIVER_PHONE = "13800138000";
export const DEMO_SENDER_PHONE = "13900139000";
const MARKER = "demo.tracking.seededAt";

type Scenario =
  | "delivered"
  | "delivered_by_guard"
  | "out_for_delivery"
  | "in_transit"
  | "arrived"
  | "delayed"
  | "stuck"
  | "same_city_delayed"
  | "at_locker"
  | "exception"
  | "returned"
  | "pending_pickup";

/** One demo shipment per line: waybill (valid for the NLU's carrier patterns), carrier, story, route. */
export const DEMO_SHIPMENTS: {
  waybill: string;
  carrier: string;
  scenario: Scenario;
  from: string;
  to: string;
  mine?: "receiver" | "sender";
}[] = [
  {
    waybill: "SF1438829301576",
    carrier: "SF",
    scenario: "out_for_delivery",
    from: "广州市",
    to: "上海市",
    mine: "receiver",
  },
  { waybill: "SF1438829301583", carrier: "SF", scenario: "delivered", from: "深圳市", to: "北京市" },
  { waybill: "SF1438829301590", carrier: "SF", scenario: "delayed", from: "东莞市", to: "杭州市", mine: "receiver" },
  { waybill: "SF1438829301606", carrier: "SF", scenario: "same_city_delayed", from: "深圳市", to: "深圳市" },
  { waybill: "75312345678901", carrier: "ZTO", scenario: "in_transit", from: "义乌市", to: "成都市" },
  { waybill: "75312345678918", carrier: "ZTO", scenario: "stuck", from: "金华市", to: "西安市", mine: "receiver" },
  { waybill: "75312345678925", carrier: "ZTO", scenario: "at_locker", from: "杭州市", to: "南京市" },
  { waybill: "75312345678932", carrier: "ZTO", scenario: "delivered_by_guard", from: "上海市", to: "苏州市" },
  { waybill: "YT7001234567891", carrier: "YTO", scenario: "arrived", from: "广州市", to: "武汉市" },
  { waybill: "YT7001234567892", carrier: "YTO", scenario: "exception", from: "汕头市", to: "长沙市" },
  { waybill: "YT7001234567893", carrier: "YTO", scenario: "delivered", from: "上海市", to: "合肥市", mine: "sender" },
  { waybill: "YT7001234567894", carrier: "YTO", scenario: "pending_pickup", from: "北京市", to: "天津市" },
  { waybill: "773012345678901", carrier: "STO", scenario: "in_transit", from: "上海市", to: "郑州市" },
  { waybill: "773012345678902", carrier: "STO", scenario: "returned", from: "杭州市", to: "福州市" },
  { waybill: "773012345678903", carrier: "STO", scenario: "stuck", from: "苏州市", to: "昆明市" },
  { waybill: "773012345678904", carrier: "STO", scenario: "at_locker", from: "宁波市", to: "上海市", mine: "receiver" },
  { waybill: "431234567890123", carrier: "YUNDA", scenario: "out_for_delivery", from: "南昌市", to: "广州市" },
  { waybill: "431234567890124", carrier: "YUNDA", scenario: "delayed", from: "临沂市", to: "哈尔滨市" },
  { waybill: "431234567890125", carrier: "YUNDA", scenario: "delivered", from: "济南市", to: "青岛市" },
  { waybill: "431234567890126", carrier: "YUNDA", scenario: "in_transit", from: "石家庄市", to: "太原市" },
  { waybill: "JDVA12345678901", carrier: "JD", scenario: "delivered", from: "北京市", to: "北京市", mine: "receiver" },
  { waybill: "JDVA12345678902", carrier: "JD", scenario: "out_for_delivery", from: "武汉市", to: "长沙市" },
  { waybill: "JDVA12345678903", carrier: "JD", scenario: "exception", from: "上海市", to: "南宁市" },
  { waybill: "JDVA12345678904", carrier: "JD", scenario: "arrived", from: "成都市", to: "贵阳市" },
  { waybill: "JT0012345678901", carrier: "JT", scenario: "in_transit", from: "揭阳市", to: "沈阳市" },
  { waybill: "JT0012345678902", carrier: "JT", scenario: "stuck", from: "泉州市", to: "兰州市" },
  { waybill: "JT0012345678903", carrier: "JT", scenario: "delivered_by_guard", from: "广州市", to: "佛山市" },
  { waybill: "JT0012345678904", carrier: "JT", scenario: "at_locker", from: "厦门市", to: "南昌市" },
  { waybill: "DPK202412345678", carrier: "DEPPON", scenario: "in_transit", from: "上海市", to: "重庆市" },
  {
    waybill: "DPK202412345679",
    carrier: "DEPPON",
    scenario: "delayed",
    from: "佛山市",
    to: "乌鲁木齐市",
    mine: "sender",
  },
  { waybill: "DPK202412345680", carrier: "DEPPON", scenario: "delivered", from: "天津市", to: "大连市" },
  { waybill: "DPK202412345681", carrier: "DEPPON", scenario: "pending_pickup", from: "杭州市", to: "杭州市" },
  { waybill: "EA123456789CN", carrier: "EMS", scenario: "arrived", from: "北京市", to: "拉萨市" },
  { waybill: "EA123456790CN", carrier: "EMS", scenario: "delivered", from: "上海市", to: "海口市" },
  { waybill: "EA123456791CN", carrier: "EMS", scenario: "returned", from: "广州市", to: "呼和浩特市" },
  { waybill: "EA123456792CN", carrier: "EMS", scenario: "out_for_delivery", from: "西安市", to: "银川市" },
];

type Step = [hoursAgo: number, status: ShipmentStatus, where: "from" | "to" | "road", text: string];

/** The event history of each story, oldest first; hours are relative to the seeding time. */
const STORIES: Record<Scenario, Step[]> = {
  pending_pickup: [[3, "pending_pickup", "from", "商家已下单，等待快递员揽收"]],
  in_transit: [
    [20, "picked_up", "from", "【{from}营业部】已揽收"],
    [14, "in_transit", "from", "快件已从【{from}转运中心】发出，下一站【{to}转运中心】"],
    [6, "in_transit", "road", "快件正在运输途中"],
  ],
  arrived: [
    [40, "picked_up", "from", "【{from}营业部】已揽收"],
    [30, "in_transit", "from", "快件已从【{from}转运中心】发出"],
    [5, "arrived_destination", "to", "快件已到达【{to}转运中心】"],
  ],
  out_for_delivery: [
    [44, "picked_up", "from", "【{from}营业部】已揽收"],
    [36, "in_transit", "from", "快件已从【{from}转运中心】发出，下一站【{to}转运中心】"],
    [8, "arrived_destination", "to", "快件已到达【{to}转运中心】"],
    [1, "out_for_delivery", "to", "【{to}城区营业点】快递员王师傅正在为您派件，请保持电话畅通"],
  ],
  delivered: [
    [52, "picked_up", "from", "【{from}营业部】已揽收"],
    [40, "in_transit", "from", "快件已从【{from}转运中心】发出"],
    [12, "arrived_destination", "to", "快件已到达【{to}转运中心】"],
    [7, "out_for_delivery", "to", "【{to}城区营业点】快递员正在派件"],
    [5, "delivered", "to", "您的快件已签收，签收人：本人。感谢使用，期待再次为您服务"],
  ],
  delivered_by_guard: [
    [30, "picked_up", "from", "【{from}营业部】已揽收"],
    [20, "in_transit", "from", "快件已从【{from}转运中心】发出"],
    [9, "out_for_delivery", "to", "【{to}城区营业点】快递员正在派件"],
    [6, "delivered", "to", "您的快件已签收，签收人：门卫代签"],
  ],
  at_locker: [
    [40, "picked_up", "from", "【{from}营业部】已揽收"],
    [26, "in_transit", "from", "快件已从【{from}转运中心】发出"],
    [10, "arrived_destination", "to", "快件已到达【{to}转运中心】"],
    [3, "at_locker", "to", "您的快件已存放至【{to}幸福里小区菜鸟驿站】，请凭取件码 6-2-3015 及时取件"],
  ],
  delayed: [
    [100, "picked_up", "from", "【{from}营业部】已揽收"],
    [90, "in_transit", "from", "快件已从【{from}转运中心】发出，下一站【{to}转运中心】"],
    [30, "in_transit", "road", "快件已到达【中转分拨中心】"],
    [12, "in_transit", "road", "快件已从【中转分拨中心】发出"],
  ],
  stuck: [
    [66, "picked_up", "from", "【{from}营业部】已揽收"],
    [58, "in_transit", "from", "快件已从【{from}转运中心】发出"],
    [53, "in_transit", "road", "快件已到达【中转分拨中心】"],
  ],
  same_city_delayed: [
    [34, "picked_up", "from", "【{from}南山营业部】已揽收"],
    [26, "in_transit", "from", "快件已到达【{from}转运中心】"],
    [6, "arrived_destination", "to", "快件已到达【{to}福田营业部】"],
  ],
  exception: [
    [50, "picked_up", "from", "【{from}营业部】已揽收"],
    [38, "in_transit", "from", "快件已从【{from}转运中心】发出"],
    [9, "exception", "to", "收件地址不详，快件暂存【{to}营业部】，待联系收件人"],
  ],
  returned: [
    [120, "picked_up", "from", "【{from}营业部】已揽收"],
    [100, "out_for_delivery", "to", "【{to}营业点】快递员正在派件"],
    [96, "exception", "to", "收件人拒收"],
    [24, "returned", "from", "快件已退回寄件人，签收人：寄件人本人"],
  ],
};

const HOUR = 3_600_000;

/** The demo events for `now`, in the webhook's shape. */
export function demoEvents(now: Date): IncomingEvent[] {
  const events: IncomingEvent[] = [];
  for (const s of DEMO_SHIPMENTS) {
    for (const [hoursAgo, status, where, text] of STORIES[s.scenario]) {
      events.push({
        waybill: s.waybill,
        carrier: s.carrier,
        time: new Date(now.getTime() - hoursAgo * HOUR).toISOString(),
        status,
        location: where === "from" ? s.from : where === "to" ? s.to : null,
        description: text.replace("{from}", s.from.replace(/市$/, "")).replace("{to}", s.to.replace(/市$/, "")),
        origin: s.from,
        destination: s.to,
        receiverPhone: s.mine === "receiver" ? DEMO_RECEIVER_PHONE : null,
        senderPhone: s.mine === "sender" ? DEMO_SENDER_PHONE : null,
      });
    }
  }
  return events;
}

export interface SeedResult {
  seeded: boolean;
  shipments: number;
  events: number;
}

/**
 * Seeds (or, with `force`, refreshes) the demo shipments with times relative to now (the ingest's
 * clock unless `opts.now`). Idempotent:
 * a demo waybill's old events are replaced, never added to, so running it twice leaves the
 * same ~three dozen shipments. Without `force` it does nothing once seeded (first start only).
 */
export async function seedDemoShipments(
  db: Db,
  ingest: TrackingIngestService,
  opts: { now?: Date; force?: boolean } = {},
): Promise<SeedResult> {
  const now = opts.now ?? ingest.now();
  if (!opts.force && (await db.setting.findUnique({ where: { key: MARKER }, select: { key: true } }))) {
    return { seeded: false, shipments: 0, events: 0 };
  }
  const waybills = DEMO_SHIPMENTS.map((s) => s.waybill);
  await db.trackingEvent.deleteMany({ where: { shipment: { waybill: { in: waybills } } } });
  const summary = await ingest.ingest(demoEvents(now), now);
  const rejected = summary.items.filter((i) => i.result === "rejected");
  if (rejected.length) throw new Error(`demo data rejected: ${JSON.stringify(rejected.slice(0, 3))}`);
  const value = now.toISOString() as Prisma.InputJsonValue;
  await db.setting.upsert({ where: { key: MARKER }, create: { key: MARKER, value }, update: { value } });
  return { seeded: true, shipments: DEMO_SHIPMENTS.length, events: summary.stored };
}
