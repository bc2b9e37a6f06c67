import { NEG_COMPLAINT } from "./feature.tokeniser.js";
import type { CategoryCode, Entity, IntentName, NluContext } from "./nlu.js";

/**
 * Deterministic rules for cases where a rule is plainly better than the model:
 * messages that are only an entity, explicit requests for a person, emoji-only text,
 * and short answers to a question the bot just asked.
 */

export interface RuleDecision {
  intent: IntentName;
  confidence: number;
}

const HUMAN_RE =
  /(转|接|找|要|叫|换|给我)(一?个|下)?(人工|真人|活人|客服人员|真的客服)|人工客服|人工服务|人工坐席|人工台|^人工$|^人工[!?.，,]*$|真人客服|real person|human agent|live agent|(speak|talk|chat) (to|with) (a |an )?(human|person|agent|real)|\bzhuan ?ren ?gong\b|\brengong\b|\brg\b/;
const HUMAN_NEG_RE = /(不|别|不用|不要|不需要|无需|没必要)(转|找|要|叫)?(接)?(人工|真人)/;

// Words that add nothing when sent together with a waybill ("单号：SF…，查一下").
const TRACK_FILLER =
  /^(我的|我|帮我|帮忙|麻烦|请|请问|你好|您好|亲|查|查询|查下|查一下|看下|看看|看一下|单号|单号是|运单号?|快递单?号?|物流|号码|是|这个|这|的|了|吗|呢|啊|到哪了?|到哪里了?|在哪|呀|一下|w:track|w:the|w:pleas|w:check|w:my|w:number|w:no|w:is|w:tracking|w:waybil|w:here|w:it|[?!0]|<WB>)*$/;

const GREETING_EMOJI = /^(👋|🙋|🙋‍♀️|🙋‍♂️|🤝|😀|😃|😊|🙂|\s)+$/u;
const THANKS_EMOJI = /^(🙏|👍|💐|🌹|❤️|❤|😘|🥰|💯|👌|\s)+$/u;
const ANGRY_EMOJI = /^(😡|🤬|😠|💢|👎|😤|🖕|\s)+$/u;

export function ruleDecision(
  original: string,
  norm: string,
  units: readonly (string | null)[],
  entities: readonly Entity[],
  context: NluContext | undefined,
): RuleDecision | undefined {
  const content = units.filter((u): u is string => u !== null && u !== "?" && u !== "!" && !u.startsWith("<"));
  const has = (t: Entity["type"]): boolean => entities.some((e) => e.type === t);
  const trimmed = original.trim();

  if (content.length === 0 && entities.length === 0) {
    if (trimmed.length > 0 && GREETING_EMOJI.test(trimmed)) return { intent: "greeting", confidence: 0.55 };
    if (trimmed.length > 0 && THANKS_EMOJI.test(trimmed)) return { intent: "thanks", confidence: 0.55 };
    if (trimmed.length > 0 && ANGRY_EMOJI.test(trimmed)) return { intent: "complaint", confidence: 0.4 };
    return { intent: "none", confidence: 0.3 };
  }

  const expecting = context?.expecting;
  if (expecting === "waybill" && has("waybill") && content.length <= 12) return { intent: "track", confidence: 0.97 };
  if (expecting === "ticket_number" && has("ticket_number") && content.length <= 12)
    return { intent: "complaint_progress", confidence: 0.95 };

  if (has("waybill") && TRACK_FILLER.test(content.join(""))) return { intent: "track", confidence: 0.98 };
  if (has("ticket_number") && content.length <= 2) return { intent: "complaint_progress", confidence: 0.9 };
  if (content.length === 0 && has("phone")) return { intent: "track", confidence: 0.45 };

  if (HUMAN_RE.test(norm) && !HUMAN_NEG_RE.test(norm)) return { intent: "human", confidence: 0.97 };
  return undefined;
}

// A question after the denial: question words/particles, "A还是B", "想知道/问下", English/pinyin equivalents.
const QUESTION_RE =
  /[?]|吗|呢|怎么|怎样|如何|多少|多久|多长|几[天点时个号]|哪|什么|啥|咋|能不能|可不可以|可以吗|能否|是否|有没有|还是|想知道|想了解|了解一下|问一?下|问问|咨询|请问|查一?下|查查|看看|\b(how|what|when|where|which|can|could|is|are|does|do|wonder(ing)?|asking|know)\b|zen ?me|duo ?shao|na ?li|dao ?na|\bwen\b/;
// Rhetorical grievance after "不是投诉，但…": still a complaint.
const GRIEVANCE_RE = /凭什么|太过分|什么破|垃圾|骂人|气死|欺负|坑人|是不是.{0,8}(太|有病)/;

/**
 * "我不想投诉，只想知道…怎么赔" / "不是投诉，就问下…": the customer says it is not a complaint and
 * then asks something; the question decides the intent, so `complaint` is taken out of the running.
 */
export function deniesComplaintThenAsks(norm: string): boolean {
  const m = NEG_COMPLAINT.exec(norm);
  if (!m) return false;
  const rest = norm.slice(m.index + m[0].length);
  return QUESTION_RE.test(rest) && !GRIEVANCE_RE.test(rest);
}

// An explicit request for compensation is a claim request, whatever went wrong (convention of issue 16,
// intents/README.md "Labelling conventions", from domain.md "Service requests and claims": 理赔 is something
// the customer wants done, with the loss/damage as its kind). Not when it is a question (how much, can I),
// about a claim already made (拖/还没/进度/被拒/只赔/说好…: AFTER_SALES or progress), or said together with
// "I want to complain".
const ASKS_COMPENSATION =
  /(我要|我想|申请|要求|请|帮我|给我|必须|马上|你们要|你们得|要你哋|要)[^，,。.!！?？\s]{0,4}(理赔|赔偿|索赔|赔付|赔钱|赔)|赔我|赔钱|\b(i want|i'd like|i would like|please)\b.{0,30}\b(compensat|claim|refund|money back)|\b(compensate me|pay me back)\b/;
const NOT_A_CLAIM_ASK =
  /吗|么|怎么|多少|几|如何|能不能|可不可以|是不是|[?？]|有没有|还没|拖|一直|进度|到账|审核|结果|被拒|拒绝|只赔|只给|只肯|太低|说好|答应|承诺的赔|上次|之前|(?<![不别])投诉|\b(how|what|when|can i|could i|complain\w*|promised|still|status|update|rejected|ago)\b/;

/** "快递丢了，要求赔偿" / "lost my parcel, pay me back": the customer asks to be compensated (→ claim). */
export function asksForCompensation(norm: string): boolean {
  return ASKS_COMPENSATION.test(norm) && !NOT_A_CLAIM_ASK.test(norm);
}

// "有人说我件丢了要加微信赔我钱，可信吗" / "is that real?": the customer asks whether a call, text or offer
// about their parcel is a scam — a question (inquiry), however many complaint words (丢了, 赔, fee) it
// repeats. Not a grievance about fraud that happened (面单信息被拿去诈骗: a complaint), which has no such cue.
const SCAM_CHECK =
  /可信吗|是真的吗|真的假的|靠谱吗|(是不是|是)(诈骗|骗子|骗局|骗人)|诈骗吧|骗子吧|诈骗吗|骗局吗|安全吗|系咪呃人|\bis (this|that|it) (real|legit|legitimate|a scam|genuine|safe)\b|\bshould i trust\b|\bscam\?/;

// "你们是骗子吧" / "you guys are scammers": an accusation against us, a complaint.
const ACCUSES_US =
  /(你们|你哋|贵公司|贵司)[^，,。.!！?？]{0,4}(骗子|诈骗|骗人|骗钱|骗局)|\byou (guys )?(are|'re) (a )?(scam|scammers|frauds?)\b/;

// "我想投诉但是没有单号" (0.31), "I want to make a complaint, no tracking number": asking to complain in
// so many words, at the start of the message. Not about a complaint's progress, and not about a shop
// or another service (issue 16: a seller that will not ship is not ours).
const SAYS_COMPLAIN =
  /^(你好|您好|喂|hi|hello)?[,，!！\s]*(我)?(要|想|想要|需要|必须|一定要|得)(投诉|举报)|^(hi|hello)?[,\s]*i('d| would)? (want|like|need) to (make|file|lodge|register) an? complaint|^(hi|hello)?[,\s]*i (want|need) to complain/;
const NOT_OURS_TO_COMPLAIN =
  /进度|结果|处理到|怎么样了|卖家|商家|店铺|店家|网店|淘宝|拼多多|seller|shop|store|merchant|progress|status/;

/** The customer says they want to complain, in so many words (→ complaint when the model leans that way). */
export function saysIWantToComplain(norm: string): boolean {
  return SAYS_COMPLAIN.test(norm) && !NOT_OURS_TO_COMPLAIN.test(norm);
}

// "I need a pickup (tomorrow morning from …)", "please book a courier pickup": a pickup asked for in
// so many words (the English pickups were 0.58–0.76 after the session-12 corpus clean-up, and the
// street words of an address pull them lower). Not a question about pickups ("how do I book…").
const SAYS_PICKUP =
  /^(hi|hello)?[,\s]*((i|we)('d| would)? (need|want|like|wanna)( to (book|schedule|arrange|request|have))?|(please |can you |could you )?(book|schedule|arrange|send)( me)?) (a |an )?(parcel |package |courier |home )?pick ?-?up\b/;

/** A request said in so many words: the intent it names, or undefined. */
export function explicitRequest(norm: string): "complaint" | "pickup" | undefined {
  if (saysIWantToComplain(norm)) return "complaint";
  if (SAYS_PICKUP.test(norm)) return "pickup";
  return undefined;
}

/** The customer asks whether something about their parcel is a scam (→ inquiry, not complaint/claim). */
export function asksIfScam(norm: string): boolean {
  return SCAM_CHECK.test(norm) && !GRIEVANCE_RE.test(norm) && !ACCUSES_US.test(norm);
}

// "显示本人签收，不是我签的 / 谁签的": a false or careless signature is a delivery-service matter
// (快递市场管理办法 Art. 28), not the tracking information the words "物流显示" suggest. A plain
// "显示签收但没收到" is a loss (SHOWN_DELIVERED below).
const SHOWN_SIGNED =
  /(显示|写着?|提示|记录|物流|系统|状态).{0,8}(签收|妥投|已送达|已投递)|签收人|\b(says|shows|marked( as)?|tracking says) (it was )?(delivered|signed)/;
const NOT_ME =
  /谁签|不是我签|我没签|没人签|本人签收|签收人(是|写的?是?)(我|本人)|冒签|代签|替我签|\b(signed (for )?by me|i never signed|nobody (here )?signed)\b/;
// A signature disowned in so many words, with or without "显示": 虚假签收, 冒签, 代签, "签收人是别人",
// "someone else signed" — DELIVERY_SERVICE (domain.md, complaint categories: DELIVERY_SERVICE covers a
// fake signature; national context: signing for the user without consent is a violation, 快递市场管理办法
// Art. 28). Not a bare "不是我签的" (left to the model, as before).
const FAKE_SIGNATURE =
  /虚假签收|假签收|冒签|冒充.{0,3}签|代签|替我签|别人签收|签收人.{0,10}(不是我|不认识|陌生|别人)|\b((forged|faked|fake) (my )?signature|someone else signed|signed (for it )?(himself|herself|themselves)|nobody (here )?signed|i (never|didn'?t|did not) sign)/;
// "显示签收了，家里找遍了也没有": shown as delivered, the customer does not have it and does not disown a
// signature → LOSS (domain.md, complaint categories: LOSS covers "signed but never received" when the
// parcel is gone). Not when the parcel is known to be elsewhere or the status came early ("件还在网点",
// "其实还没送", "提前点签收", "courier still has it"): that is a false status, TRACKING_INFO.
const SHOWN_DELIVERED =
  /(显示|写着?|提示|物流|系统|状态|短信).{0,8}(签收|妥投|送达|投递成功|已投递)|\b(says|shows|showing|marked( as)?|tracking says) (it was |it's |as )?delivered/;
const NOT_RECEIVED =
  /没(有)?收到|没拿到|没看到(包裹|东西|件)|找不到|找遍|都找过|(里|上|家|门口|柜子?|驿站|邻居).{0,4}没有|不见了?|没了|\b(never (got|received|arrived)|nothing|not there|can'?t find|no parcel|haven'?t (got|received)|didn'?t (get|receive)|not received)\b/;
const STATUS_EARLY =
  /还在|还没送|没送|明天|提前|还没收到就|其实|在路上|快递员(手里|车上)|考核|第二天|后来|\b(still (at|with|has|in)|courier has|tomorrow|later)\b/;
// "物流显示丢件 / 遗失": the loss itself.
const SHOWN_LOST =
  /(显示|写着?|提示|状态是?|物流|系统).{0,6}(丢失|丢件|遗失|丢了)|\b(says|shows|marked( as)?) (as )?lost\b/;

// Damage told by its cause ("摔碎了", "压扁了", "泡水了", "到手就烂了", "soaked"): DAMAGE, not the
// delivery step that caused it. Not when the message is about a claim for it (AFTER_SALES), things
// missing (LOSS), or property that is not the parcel (a courier van that 压坏 the lawn).
const DAMAGE_CAUSE =
  /摔(碎|坏|烂|裂|破)|压(扁|坏|碎|烂|变形)|泡(水|烂|坏)|淋(湿|坏)|进水|(碎|裂)(了|掉)|到手就?(烂|坏|碎)|(烂|坏)掉|\b(smashed|crushed|soaked|shattered|cracked|dented|broken)\b/;
const NOT_DAMAGE = /理赔|赔|claim|compensat|refund|路面|草坪|墙|车辆|少了|缺了|丢|不见|missing|态度/;
// Money asked for a service step ("送6楼要另加20", "要加钱才上门取件"): IMPROPER_CHARGE, not the step.
// Cash on delivery (代收货款) has its own category.
const MONEY_ASKED =
  /加钱|另加|另收|多收|加收|额外收|多要|乱收|收了?我?\d+块|要我?(交|付|给)?\d+块|\bextra (fee|charge)|\bcharged me\b|\bsurcharge/;
const COD_WORDS = /代收|货款|\bcod\b/;
// An earlier complaint or claim not handled (domain.md: AFTER_SALES): a promised result, call-back or
// payment that did not come, a ticket (工单), compensation money, "complained three times". Not the
// delay of the parcel the words "三天了" suggest. Cash on delivery not paid out is COD.
const HANDLING_LATE =
  /(说好|承诺|答应).{0,8}(给个?(结果|方案|答复|回复)|回电|到账)|工单|赔偿款|理赔款|赔付款|投诉了?(\d+|几|两|三|好几)次|核实了|\bcomplained (\d+|two|three|several|many) times|\b(compensation|refund) (you )?promised|\bpromised (compensation|refund)/;

// Praise for the person, then the fault ("快递员态度挺好，就是慢", "the courier was lovely but it came a week
// late"): the complaint is about the fault, so not STAFF_ATTITUDE, which the praise words pull the model
// towards. Not when the part after the contrast is about the person's manner again (挂电话, 骂, rude).
const PRAISE_THEN_FAULT =
  /(态度|人|服务|小哥|快递员|师傅|客服|速递员)[^，。,.!！?？]{0,4}(挺好|很好|蛮好|几好|不错|没得说|客气|热情|还行|可以)[^。!！?？]{0,4}(就是|但是|但|可是|不过|只是)|\b(nice|lovely|friendly|polite|kind|helpful)\b[^.!?]{0,30}\b(but|though|however)\b|\b(ren|tai ?du) (hen|ting) hao\b.{0,8}\b(jiu ?shi|dan ?shi|ke ?shi)\b/;
const MANNER_AGAIN = /骂|凶|吼|挂(了|我)?电话|态度(差|恶劣|不好)|爆粗|\b(rude|shout|yell|swear|insult)/;

/** The customer praises the person and then names a fault: the category is the fault's, not STAFF_ATTITUDE. */
export function praisesPersonThenFault(norm: string): boolean {
  const m = PRAISE_THEN_FAULT.exec(norm);
  return !!m && !MANNER_AGAIN.test(norm.slice(m.index + m[0].length));
}

/**
 * Second stage for the complaint category, where a rule is right and the model is misled (issue 16):
 * a signature the customer disowns (or calls fake, 冒签/代签) is DELIVERY_SERVICE, a loss the tracking
 * reports is LOSS ("物流显示…" misled the model), an earlier complaint or claim not handled is AFTER_SALES,
 * shown as delivered but not received (no signature disowned, no sign the parcel is elsewhere) is LOSS,
 * damage told by its cause is DAMAGE, money asked for a service step is IMPROPER_CHARGE. Undefined: keep
 * the model's category.
 */
export function categoryRule(norm: string): CategoryCode | undefined {
  if (SHOWN_SIGNED.test(norm) && NOT_ME.test(norm)) return "DELIVERY_SERVICE";
  if (FAKE_SIGNATURE.test(norm)) return "DELIVERY_SERVICE";
  if (SHOWN_LOST.test(norm)) return "LOSS";
  if (HANDLING_LATE.test(norm) && !COD_WORDS.test(norm)) return "AFTER_SALES";
  if (SHOWN_DELIVERED.test(norm) && NOT_RECEIVED.test(norm) && !STATUS_EARLY.test(norm)) return "LOSS";
  if (DAMAGE_CAUSE.test(norm) && !NOT_DAMAGE.test(norm)) return "DAMAGE";
  if (MONEY_ASKED.test(norm) && !COD_WORDS.test(norm)) return "IMPROPER_CHARGE";
  return undefined;
}
