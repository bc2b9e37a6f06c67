/**
 * Words customers use for the same thing, folded to one word (the first of each group) on both
 * sides of the search: the articles' phrasings and the customer's question. jieba cuts the
 * words first (kb.tokeniser.ts); only whole words are folded, character bigrams stay as typed.
 * Groups written from carrier FAQ and Q&A titles ("快递柜可以免费存放多久", "快递丢了是按照原价
 * 赔偿还是保价赔偿", "物流多久不提货会退回"), not from the evaluation sets.
 */
const GROUPS: readonly (readonly string[])[] = [
  ["充电宝", "移动电源", "行动电源", "充电电池"],
  ["快递柜", "智能柜", "丰巢", "柜子", "快递箱", "自提柜", "丰巢柜", "兔喜", "储物柜", "locker", "lockers"],
  ["驿站", "菜鸟驿站", "代收点", "快递站", "快递点", "自提点", "服务站", "小卖部", "超市"],
  ["赔偿", "理赔", "索赔", "赔", "赔付", "赔钱", "补偿", "赔偿金"],
  ["丢失", "丢", "丢了", "弄丢", "丢件", "遗失", "不见", "丢掉", "找不到"],
  ["损坏", "坏", "坏了", "破损", "碎", "碎了", "摔碎", "摔坏", "压坏", "破", "烂", "坏掉", "弄坏", "压扁"],
  ["运费", "邮费", "快递费", "寄费", "邮资", "运价", "资费"],
  ["收费", "收钱", "加钱", "给钱", "多收", "付钱", "要钱", "另收", "花钱", "收取", "额外", "付费", "扣费"],
  ["修改", "更改", "变更", "更换", "改成", "改"],
  ["多久", "多长时间", "几天", "多少天", "多长", "几个小时", "要多久"],
  ["客服", "人工客服", "在线客服", "客服热线", "人工"],
  ["营业时间", "上班", "下班", "营业", "开门", "关门", "几点"],
  ["周末", "周六", "周日", "星期六", "星期天", "星期日", "礼拜六", "礼拜天", "礼拜日"],
  ["春节", "过年", "年前", "年后", "除夕", "放假", "假期", "停运"],
  ["身份证", "证件", "身份证件"],
  ["快递员", "快递小哥", "小哥", "派件员", "配送员", "送货员", "派送员", "快递哥", "快递师傅", "师傅", "收件员"],
  ["验视", "开箱", "拆箱", "拆开", "开箱子", "拆包"],
  ["发票", "开票", "收据", "报销"],
  ["申诉", "12305", "邮政管理局", "国家邮政局", "邮管局"],
  ["国外", "国际", "海外", "外国", "境外", "出国"],
  ["宠物", "猫", "狗", "猫咪", "小狗", "活物", "活体", "仓鼠", "鹦鹉"],
  ["药品", "药", "西药", "中药", "药物", "感冒药"],
  ["延误", "晚到", "延迟", "拖延", "迟到"],
  ["拒收", "拒签", "不想要", "不要了"],
  ["代收", "代签", "帮收", "代领", "代取"],
  ["现金", "钞票", "纸币", "现钞"],
  ["运单号", "单号", "快递单号", "物流单号"],
  ["取件", "拿件", "揽件"],
  // Cantonese as written (after traditional → simplified): 寄嘢去香港要几多钱.
  ["多少", "几多"],
  ["东西", "嘢"],
  // English, as the Porter stemmer leaves the words (kb.tokeniser.ts stems before folding).
  ["send", "ship", "mail", "post"],
  ["parcel", "packag", "shipment"],
  ["cost", "price", "fee", "charg", "paid", "pai", "pay"],
  ["lost", "lose", "miss", "disappear"],
  ["damag", "broken", "broke", "smash", "crack"],
  ["compens", "refund", "reimburs"],
  ["courier", "driver", "deliveryman", "postman"],
  ["weekend", "saturdai", "sundai"],
  ["kg", "kilo", "kilogram", "kgs", "weight", "heavi"],
];

const FOLD = new Map<string, string>();
for (const group of GROUPS) for (const w of group) if (!FOLD.has(w)) FOLD.set(w, group[0]!);

/** The word all its synonyms are folded to (the word itself when it has none). */
export function foldSynonym(word: string): string {
  return FOLD.get(word) ?? word;
}

/** Every word of the groups, for jieba's dictionary: a synonym must come out of the cut whole. */
export const SYNONYM_WORDS: readonly string[] = GROUPS.flat().filter((w) => /^[\u3400-\u9fff]{2,}$/.test(w));
