/**
 * The default knowledge base for a Chinese express carrier, seeded on first start (issue 14).
 * Written in our own words from public rules; each article cites its source. Operators edit
 * or replace it (/admin 知识库, `npm run kb -- import`). The first paragraph of an answer is
 * the short reply a customer gets; the rest comes with 更多.
 */
export interface DefaultArticle {
  title: string;
  titleEn: string;
  questions: string[];
  answer: string;
  answerEn: string;
  category: string;
  tags: string[];
  source: string;
}

export const DEFAULT_ARTICLES: DefaultArticle[] = [
  // ── 禁寄与限寄 prohibited and restricted items ──
  {
    title: "哪些物品禁止寄递？",
    titleEn: "Which items are prohibited?",
    questions: [
      "什么东西不能寄",
      "违禁品有哪些",
      "禁寄物品清单",
      "哪些东西快递不收",
      "what can't I send",
      "prohibited items list",
    ],
    answer:
      "枪支弹药、爆炸物、管制刀具、易燃易爆、有毒和腐蚀性物品、毒品、放射性物质、活体动物、国家秘密和非法出版物等都禁止寄递。\n\n完整清单见《禁止寄递物品指导目录》。不确定能否寄的物品，请寄件前告诉快递员物品名称，由收寄人员验视确认；隐瞒禁寄物品交寄的，快递公司有权拒收并报告有关部门。",
    answerEn:
      "Firearms and ammunition, explosives, controlled knives, flammable, toxic or corrosive goods, drugs, radioactive material, live animals, state secrets and illegal publications cannot be sent.\n\nThe full list is the Catalogue of Items Prohibited from Delivery. If unsure, tell the courier what the item is before sending; they will inspect it.",
    category: "禁寄限寄",
    tags: ["禁寄", "违禁品"],
    source: "《禁止寄递物品管理规定》及附件《禁止寄递物品指导目录》（国家邮政局、公安部、国家安全部，2016）",
  },
  {
    title: "能寄液体吗？",
    titleEn: "Can I send liquids?",
    questions: [
      "液体可以寄吗",
      "寄酒可以吗",
      "能不能寄饮料",
      "洗发水能寄吗",
      "寄油可以吗",
      "can I ship liquid",
      "can I send wine",
    ],
    answer:
      "非易燃、无毒、无腐蚀的液体（饮料、洗护用品、食用油等）一般可以寄，但必须密封并做好防漏包装；汽油、酒精、油漆等易燃液体禁止寄递。\n\n白酒等含酒精饮品各家公司规定不同，航空件通常不收，请寄件前向收寄人员说明。包装不当导致渗漏，可能被拒收或需承担对其他快件造成的损失。",
    answerEn:
      "Non-flammable, non-toxic, non-corrosive liquids (drinks, toiletries, cooking oil) can usually be sent if sealed and packed against leaks; petrol, alcohol-based solvents and paint are prohibited.\n\nSpirits are handled differently by each carrier and air services usually refuse them: tell the courier before sending.",
    category: "禁寄限寄",
    tags: ["液体", "酒"],
    source: "《禁止寄递物品指导目录》易燃液体类；各快递公司收寄规定",
  },
  {
    title: "充电宝、锂电池能寄吗？",
    titleEn: "Can I send a power bank or lithium batteries?",
    questions: [
      "充电宝可以寄吗",
      "移动电源能邮寄吗",
      "电池能寄吗",
      "寄手机可以吗 带电池",
      "can I ship a power bank",
      "lithium battery shipping",
    ],
    answer:
      "充电宝（移动电源）和单独的锂电池不能走航空件；陆运是否收寄以各快递公司规定为准，须如实申报并单独包装。装在设备里的电池（如手机、笔记本）一般可以寄。\n\n请寄件时告诉快递员物品含电池，不要隐瞒；隐瞒申报的快件在安检时会被退回。",
    answerEn:
      "Power banks and loose lithium batteries cannot go by air; whether road services accept them depends on the carrier, and they must be declared and packed separately. Batteries installed in a device (phone, laptop) are usually fine.\n\nAlways declare batteries: undeclared ones are stopped at security and returned.",
    category: "禁寄限寄",
    tags: ["电池", "充电宝"],
    source: "《禁止寄递物品管理规定》；民航危险品运输规定（锂电池）",
  },
  {
    title: "化妆品、香水能寄吗？",
    titleEn: "Can I send cosmetics or perfume?",
    questions: ["香水可以寄吗", "指甲油能寄吗", "化妆品可以邮寄吗", "喷雾能寄吗", "can I send perfume"],
    answer:
      "普通护肤品、彩妆可以寄；香水、指甲油、发胶等含酒精或压缩气体的属于易燃品，多数快递公司只在陆运小量收寄，航空件不收。\n\n寄件时请如实告知物品名称，密封包装防止挤压渗漏。",
    answerEn:
      "Ordinary skincare and make-up can be sent; perfume, nail polish and hairspray are flammable (alcohol or compressed gas): most carriers accept small amounts by road only, never by air.\n\nDeclare the item and seal it against leaks.",
    category: "禁寄限寄",
    tags: ["化妆品", "香水"],
    source: "《禁止寄递物品指导目录》易燃液体、压缩气体类",
  },
  {
    title: "打火机、火柴能寄吗？",
    titleEn: "Can I send lighters or matches?",
    questions: ["打火机可以寄吗", "火柴能邮寄吗", "寄烟花可以吗", "鞭炮能寄吗", "can I ship a lighter"],
    answer:
      "不能。打火机、火柴、烟花爆竹、气罐等易燃易爆物品禁止寄递。\n\n即使是空的打火机或少量火柴也不收寄，请不要夹带在其他物品中。",
    answerEn:
      "No. Lighters, matches, fireworks and gas canisters are flammable or explosive and cannot be sent, even empty lighters or a few matches.",
    category: "禁寄限寄",
    tags: ["易燃易爆"],
    source: "《禁止寄递物品指导目录》爆炸物品、易燃物品类",
  },
  {
    title: "药品能寄吗？",
    titleEn: "Can I send medicine?",
    questions: ["能寄药吗", "寄中药可以吗", "处方药能快递吗", "can I mail medicine"],
    answer:
      "一般药品可以寄，请保留原包装并如实申报；麻醉药品、精神药品、易制毒化学品等国家管制的药品禁止寄递。\n\n需要冷藏的药品请选择冷链服务；寄往港澳台和国外的药品还需符合目的地海关规定。",
    answerEn:
      "Ordinary medicine can be sent in its original packaging and declared; narcotic and psychotropic drugs and precursor chemicals under state control cannot.\n\nRefrigerated medicine needs a cold-chain service; abroad, the destination's customs rules also apply.",
    category: "禁寄限寄",
    tags: ["药品"],
    source: "《禁止寄递物品指导目录》毒品、麻醉药品和精神药品类",
  },
  {
    title: "生鲜食品能寄吗？",
    titleEn: "Can I send fresh food?",
    questions: [
      "水果能寄吗",
      "寄海鲜可以吗",
      "生鲜怎么寄",
      "冷冻食品能快递吗",
      "寄特产可以吗",
      "can I send fresh fruit",
    ],
    answer:
      "可以，但需要选择生鲜/冷链服务并做好保温防漏包装，部分偏远地区不收生鲜件。\n\n生鲜易腐，建议选择时效快的产品并保价。因包装不当或收件人延迟领取造成的变质，一般不在赔偿范围内。",
    answerEn:
      "Yes, with a fresh/cold-chain service and insulated, leak-proof packing; some remote areas do not accept perishables.\n\nChoose a fast service and insure it. Spoilage caused by poor packing or late collection is usually not compensated.",
    category: "禁寄限寄",
    tags: ["生鲜", "冷链"],
    source: "各快递公司生鲜寄递服务规则；GB/T 27917 快递服务（包装要求）",
  },
  {
    title: "能寄活的动物或宠物吗？",
    titleEn: "Can I send live animals or pets?",
    questions: ["宠物可以寄吗", "能寄猫狗吗", "活鱼能快递吗", "寄小动物可以吗", "can I ship my pet"],
    answer:
      "不能。快递禁止寄递各类活体动物，包括猫狗等宠物、活鱼、昆虫。\n\n宠物托运请咨询有资质的宠物运输或航空托运服务。",
    answerEn:
      "No. Live animals of any kind (cats, dogs, fish, insects) cannot be sent by express. Use a licensed pet-transport or airline service.",
    category: "禁寄限寄",
    tags: ["动物"],
    source: "《禁止寄递物品指导目录》",
  },
  {
    title: "能寄现金或贵重物品吗？",
    titleEn: "Can I send cash or valuables?",
    questions: [
      "寄钱可以吗",
      "现金能寄吗",
      "寄金首饰可以吗",
      "贵重物品怎么寄",
      "寄手机电脑要注意什么",
      "can I send cash",
    ],
    answer:
      "快递不收寄现金。首饰、电子产品等贵重物品可以寄，但请务必保价，并当面验视封装。\n\n未保价的贵重物品丢失损毁，只能按实际损失举证索赔，赔偿可能远低于物品价值。",
    answerEn:
      "Cash is not accepted. Jewellery, electronics and other valuables can be sent, but insure them and have them inspected and sealed in front of you.\n\nUninsured valuables are compensated only for the proven loss, often far below their value.",
    category: "禁寄限寄",
    tags: ["贵重物品", "现金", "保价"],
    source: "《快递暂行条例》（保价与赔偿）；各快递公司收寄规定",
  },
  {
    title: "刀具能寄吗？",
    titleEn: "Can I send knives?",
    questions: ["菜刀可以寄吗", "能寄水果刀吗", "管制刀具", "寄剪刀可以吗", "can I ship a knife"],
    answer:
      "管制刀具（匕首、三棱刀、弹簧刀等）禁止寄递；菜刀、水果刀等生活刀具一般可以寄，需包好刀刃并如实申报。\n\n具体以收寄人员验视结果为准。",
    answerEn:
      "Controlled knives (daggers, switchblades, etc.) are prohibited; kitchen and fruit knives can usually be sent with the blade wrapped and declared.",
    category: "禁寄限寄",
    tags: ["刀具"],
    source: "《禁止寄递物品指导目录》管制器具类",
  },
  {
    title: "寄件时为什么要开箱验视？",
    titleEn: "Why does the courier open my parcel to inspect it?",
    questions: ["快递员为什么要拆开检查", "寄件要验货吗", "可以不开箱吗", "收寄验视是什么", "why inspect my parcel"],
    answer:
      "收寄验视是法定义务：快递员必须当面查看内件，确认不是禁寄物品，并作出验视标识。拒绝验视的，快递公司不得收寄。\n\n验视后由您或快递员当面封装；信件和已签订安全协议的协议客户除外。",
    answerEn:
      "Inspection on acceptance is required by law: the courier must see the contents, confirm nothing is prohibited, and mark the parcel as inspected. A parcel whose sender refuses inspection cannot be accepted.",
    category: "禁寄限寄",
    tags: ["验视"],
    source: "《中华人民共和国邮政法》《快递暂行条例》（收寄验视制度）",
  },
  // ── 寄件 sending ──
  {
    title: "寄快递为什么要实名登记？",
    titleEn: "Why do I need to show ID to send a parcel?",
    questions: ["寄件要身份证吗", "实名制寄递", "不想实名可以寄吗", "为什么要登记身份证", "why do you need my ID"],
    answer:
      "寄件实名是法律要求：收寄时快递公司要查验寄件人身份并登记。首次寄件请出示身份证件，之后可在账户中实名认证。\n\n运单上只会显示姓名、地址和电话，不会记录身份证号等其他身份信息；快递公司不得泄露用户信息。",
    answerEn:
      "Real-name sending is required by law: the carrier checks and records the sender's identity. Show your ID the first time or verify it in your account.\n\nOnly name, address and phone appear on the waybill, never the ID number.",
    category: "寄件",
    tags: ["实名", "身份证"],
    source: "《快递暂行条例》第二十二条；《中华人民共和国反恐怖主义法》第二十条",
  },
  {
    title: "怎么预约上门取件？",
    titleEn: "How do I book a pickup?",
    questions: [
      "上门取件怎么约",
      "能来家里取件吗",
      "预约寄件",
      "叫快递员上门",
      "how to schedule a pickup",
      "book a courier",
    ],
    answer:
      "在公众号、小程序或App里选择“寄快递”，填写寄收件信息和预约时间即可，快递员会在约定时间内上门。\n\n也可以直接在这里回复“预约取件”。如快递员未按约定时间上门，可以投诉（收寄服务）。",
    answerEn:
      "Choose “Send a parcel” in the official account, mini program or app, fill in both addresses and a time slot; a courier comes in that slot.\n\nIf nobody comes at the agreed time, you can complain (pickup service).",
    category: "寄件",
    tags: ["上门取件", "预约"],
    source: "GB/T 27917 快递服务（收寄环节）",
  },
  {
    title: "寄件要填写哪些信息？",
    titleEn: "What details do I need to fill in to send a parcel?",
    questions: [
      "寄快递要写什么",
      "面单怎么填",
      "隐私面单是什么",
      "收件人信息怎么填",
      "what information do I need to send",
    ],
    answer:
      "需要如实填写寄件人和收件人的姓名、地址、联系电话，以及物品名称、性质和数量。\n\n多数公司提供隐私面单：面单上的电话和姓名部分隐藏，快递员通过虚拟号联系收件人。",
    answerEn:
      "Sender's and recipient's names, addresses and phone numbers, plus the item's name, nature and quantity, all truthfully.\n\nMost carriers offer privacy waybills that hide part of the name and phone.",
    category: "寄件",
    tags: ["面单", "隐私面单"],
    source: "《快递暂行条例》第二十二条（如实提供寄递信息）",
  },
  {
    title: "能寄到港澳台或国外吗？",
    titleEn: "Can I send to Hong Kong, Macao, Taiwan or abroad?",
    questions: [
      "可以寄到香港吗",
      "寄国外怎么寄",
      "国际快递",
      "寄台湾可以吗",
      "can I ship overseas",
      "international shipping",
    ],
    answer:
      "可以，选择国际/港澳台快递服务。需要填写报关信息，物品须符合寄出地和目的地海关规定，可能产生关税。\n\n运费和时效与国内件不同，下单时会显示；港澳台和国际件的理赔处理时限最长60天。",
    answerEn:
      "Yes, with the international / HK-Macao-Taiwan service. A customs declaration is needed, the goods must meet both sides' customs rules, and duties may apply.\n\nPrices and times differ from domestic parcels; claims can take up to 60 days.",
    category: "寄件",
    tags: ["国际", "港澳台", "海关"],
    source: "《中华人民共和国海关法》进出境快件监管；GB/T 27917（国际快递服务）",
  },
  {
    title: "寄件怎么包装？",
    titleEn: "How should I pack my parcel?",
    questions: ["包装有什么要求", "易碎品怎么包", "寄玻璃怎么包装", "纸箱要自己准备吗", "how to pack fragile items"],
    answer:
      "请用结实的纸箱，内件与箱壁之间填满缓冲材料，易碎品单独包裹并标注“易碎”。快递员可以提供包装服务。\n\n包装不当造成的损坏，快递公司可能减免赔偿责任；贵重或易碎物品建议保价。",
    answerEn:
      "Use a sturdy box, fill the gaps with cushioning, wrap fragile items separately and mark them “fragile”. Couriers can pack for you.\n\nDamage caused by poor packing may reduce compensation; insure fragile or valuable items.",
    category: "寄件",
    tags: ["包装", "易碎"],
    source: "GB/T 27917 快递服务（封装要求）；GB/T 16606 快递封装用品",
  },
  {
    title: "寄出去的快递能取消或撤回吗？",
    titleEn: "Can I cancel or recall a parcel I sent?",
    questions: ["寄错了能撤回吗", "取消寄件", "已经揽收能取消吗", "能拦截快递吗", "cancel my shipment"],
    answer:
      "未揽收的订单可以直接在下单渠道取消；已揽收的快件可以申请拦截退回，但可能收取退回运费。\n\n已经派送或签收的快件无法拦截。需要办理请回复“转人工”并提供运单号。",
    answerEn:
      "An order not yet collected can be cancelled where you placed it; a collected parcel can be intercepted and returned, usually for a return fee.\n\nOnce out for delivery or signed for, it cannot be stopped.",
    category: "寄件",
    tags: ["取消", "拦截", "退回"],
    source: "各快递公司服务条款（撤回与拦截）",
  },
  // ── 运费与收费 fees ──
  {
    title: "运费怎么算？",
    titleEn: "How is the shipping fee calculated?",
    questions: [
      "寄快递多少钱",
      "首重续重是什么",
      "运费标准",
      "一公斤多少钱",
      "寄个包裹要多少钱",
      "how much does shipping cost",
      "shipping rates",
    ],
    answer:
      "运费 = 首重价格 + 续重价格 × 超出首重的重量。首重一般是1公斤，不足1公斤按1公斤计；价格按始发地和目的地区域不同。\n\n计费重量取实际重量和体积重量中较大的一个。下单时页面会显示预估运费，快递员称重后确认；不得另收未公示的费用。",
    answerEn:
      "Fee = first-weight price + additional-weight price × weight above the first weight. The first weight is usually 1 kg (part of a kg counts as a whole one); prices depend on origin and destination zones.\n\nThe charged weight is the greater of actual and volumetric weight.",
    category: "运费",
    tags: ["运费", "首重", "续重"],
    source: "各快递公司公示价格；《快递市场管理办法》（明码标价）",
  },
  {
    title: "体积重量（抛重）怎么算？",
    titleEn: "How is volumetric weight calculated?",
    questions: ["什么是抛货", "泡货怎么收费", "体积大很轻怎么算钱", "为什么按体积收费", "what is dimensional weight"],
    answer:
      "体积重量（kg）= 长 × 宽 × 高（厘米）÷ 抛比，常见抛比为6000、8000或12000，以各公司公示为准。轻而大的包裹按体积重量计费。\n\n例：40×30×30厘米的箱子，按6000计为6公斤。",
    answerEn:
      "Volumetric weight (kg) = length × width × height (cm) ÷ divisor, commonly 6000, 8000 or 12000 depending on the carrier. Light, bulky parcels are charged by it.\n\nExample: a 40×30×30 cm box is 6 kg at 6000.",
    category: "运费",
    tags: ["体积重", "抛重"],
    source: "各快递公司计费规则（体积重量）",
  },
  {
    title: "保价是什么？保价费怎么收？",
    titleEn: "What is declared-value insurance and what does it cost?",
    questions: ["要不要保价", "保价费多少", "保价怎么算", "贵重物品保价", "what is insured value", "insurance fee"],
    answer:
      "保价是寄件时声明物品价值并支付保价费；丢失或损毁时按声明价值和实际损失赔偿。保价费一般为声明价值的0.5%–1%，各公司有起步价和上限。\n\n请按实际价值保价，超额保价不会多赔；保价快件的赔偿按约定的保价规则确定。",
    answerEn:
      "You declare the item's value and pay a fee (usually 0.5–1% of it, with a minimum and a cap); if it is lost or damaged you are paid by the declared value and the real loss.\n\nInsure at the real value: over-insuring does not pay more.",
    category: "运费",
    tags: ["保价"],
    source: "《快递暂行条例》第二十七条；《中华人民共和国邮政法》第四十七条",
  },
  {
    title: "寄付和到付有什么区别？",
    titleEn: "Sender pays or recipient pays?",
    questions: ["到付怎么弄", "可以让收件人付钱吗", "运费到付", "寄付是什么", "can the recipient pay"],
    answer:
      "寄付是寄件人付运费，到付是收件人签收时付运费。到付件收件人拒付运费的，快件会退回，运费由寄件人承担。\n\n部分地区和产品不支持到付，下单时会提示。",
    answerEn:
      "Sender-pays: you pay when sending. Recipient-pays: the recipient pays on delivery; if they refuse, the parcel returns and the sender pays.",
    category: "运费",
    tags: ["到付", "寄付"],
    source: "各快递公司服务条款",
  },
  {
    title: "上门取件要额外收费吗？",
    titleEn: "Is there an extra charge for pickup?",
    questions: ["上门取件是不是要多收钱", "快递员上门加钱吗", "上门费", "收了加急费合理吗", "does pickup cost more"],
    answer:
      "按公示价格收费，上门取件本身不另收费。快递员不得收取未公示的费用（如加急费、上门费）。\n\n如果被多收了钱，可以回复“我要投诉”，我们按违规收费受理。",
    answerEn:
      "You pay the published price; pickup itself costs nothing extra. Couriers may not charge unpublished fees (rush fee, call-out fee).\n\nIf you were overcharged, reply “complain”.",
    category: "运费",
    tags: ["上门取件", "收费"],
    source: "《快递市场管理办法》（明码标价）；投诉分类 违规收费（seed 001 第四条(二)）",
  },
  {
    title: "包装费要收钱吗？",
    titleEn: "Do you charge for packaging?",
    questions: ["纸箱收费吗", "包装材料要钱吗", "快递员收包装费", "is packaging free"],
    answer:
      "快递公司提供的纸箱、填充物等包装材料可能收费，但必须事先告知并按公示标准收取。\n\n自带包装不收包装费。未告知就收取的，可以投诉。",
    answerEn:
      "Boxes and fillers provided by the carrier may be charged, but only at the published price and after telling you. Your own packaging costs nothing.",
    category: "运费",
    tags: ["包装费"],
    source: "《快递市场管理办法》（明码标价）",
  },
  {
    title: "怎么开发票？",
    titleEn: "How do I get an invoice?",
    questions: [
      "开发票",
      "能开电子发票吗",
      "运费发票怎么开",
      "需要报销怎么开票",
      "how do I get a receipt",
      "invoice for shipping",
    ],
    answer:
      "在App、小程序或官网的“开具发票”中选择运单，填写抬头和税号即可开具电子发票，一般几分钟内发到邮箱。\n\n月结客户按月开票。拒绝开具发票属于违规，可以投诉。",
    answerEn:
      "Choose the waybills under “Invoice” in the app, mini program or website, enter the title and tax ID, and an e-invoice is emailed within minutes. Monthly-account customers are invoiced monthly.",
    category: "运费",
    tags: ["发票"],
    source: "《中华人民共和国发票管理办法》；投诉分类 违规收费（seed 001 第六条）",
  },
  // ── 派送 delivery ──
  {
    title: "快递一般多久能到？",
    titleEn: "How long does delivery take?",
    questions: ["几天能到", "快递时效", "寄到北京要多久", "同城多久到", "how many days to deliver", "delivery time"],
    answer:
      "按国家标准，同城快件一般24小时内、国内异地72小时内投递；具体以所选产品承诺的时效为准。\n\n偏远地区、节假日和恶劣天气可能延长。超过承诺时间未到可以查件，或回复“我要投诉”。",
    answerEn:
      "By the national standard, same-city parcels within 24 hours, other domestic ones within 72 hours; the product you chose may promise faster.\n\nRemote areas, holidays and bad weather can add time.",
    category: "派送",
    tags: ["时效"],
    source: "GB/T 27917.2 快递服务 第2部分：服务环节（投递时限）",
  },
  {
    title: "没经我同意就放驿站或快递柜可以吗？",
    titleEn: "Can the courier leave my parcel at a locker or station without asking?",
    questions: [
      "快递员不送上门",
      "为什么放快递柜不通知我",
      "不送货上门直接放驿站",
      "没经过同意放菜鸟驿站",
      "left at locker without consent",
    ],
    answer:
      "不可以。自2024年起，未经您同意，快递员不得把快件放到快递柜、驿站等末端设施，也不得代您签收。\n\n您可以要求按地址投递，或回复“我要投诉”，我们按投递服务问题受理。",
    answerEn:
      "No. Since 2024 a courier may not leave your parcel in a locker or station, or sign for you, without your consent.\n\nYou can ask for delivery to your address, or reply “complain”.",
    category: "派送",
    tags: ["驿站", "快递柜", "送货上门"],
    source: "《快递市场管理办法》（2023年修订，2024年3月1日施行）第二十八条",
  },
  {
    title: "驿站放几天会退回？",
    titleEn: "How long does a pickup station keep my parcel?",
    questions: [
      "驿站保存几天",
      "驿站多久退件",
      "菜鸟驿站放几天",
      "一直没去取会怎样",
      "how long will the station hold my parcel",
    ],
    answer:
      "驿站一般保管3–7天，具体以取件通知短信为准；超期未取的快件会联系您，仍无法投递的退回寄件人。\n\n出差不方便取件，可以联系驿站延长保管或改派送上门。",
    answerEn:
      "Stations usually keep parcels 3–7 days (see the pickup text); after that they contact you, and undeliverable parcels go back to the sender.\n\nIf you are away, ask the station to keep it longer or deliver it.",
    category: "派送",
    tags: ["驿站", "退回"],
    source: "各快递公司末端服务规则；《快递暂行条例》（无法投递快件的处理）",
  },
  {
    title: "快递柜超时收费吗？",
    titleEn: "Do parcel lockers charge for late pickup?",
    questions: ["快递柜超时费", "丰巢超时收费", "快递柜放多久", "智能柜保管费", "locker overdue fee"],
    answer:
      "快递柜在公示的免费保管期内不得向收件人收费；超出免费期后可能按公示标准收取保管费。\n\n未经您同意放入快递柜的，不应由您承担超时费用，可以投诉。",
    answerEn:
      "Lockers may not charge the recipient within the published free period; after it, a published storage fee may apply.\n\nIf the parcel went into the locker without your consent, you should not pay.",
    category: "派送",
    tags: ["快递柜", "收费"],
    source: "《智能快件箱寄递服务管理办法》（国家邮政局，2019）；《快递市场管理办法》第二十八条",
  },
  {
    title: "怎么修改收件地址？",
    titleEn: "How do I change the delivery address?",
    questions: [
      "地址写错了怎么办",
      "改地址",
      "能改派到别的地方吗",
      "收件地址填错了",
      "change delivery address",
      "redirect my parcel",
    ],
    answer:
      "快件派送前可以申请改地址（改派）：提供运单号和新地址，由寄件人或收件人验证身份后办理；跨城改派可能加收运费。\n\n已经在派送中或已签收的快件无法修改。需要办理请回复“改地址”或“转人工”。",
    answerEn:
      "Before it is out for delivery you can redirect a parcel: give the waybill number and the new address, verify who you are; a redirect to another city may cost extra.\n\nOnce out for delivery or signed for, it cannot be changed.",
    category: "派送",
    tags: ["改地址", "改派"],
    source: "各快递公司服务条款（改派）",
  },
  {
    title: "可以让别人代收快递吗？",
    titleEn: "Can someone else receive my parcel?",
    questions: ["家人能代签吗", "让同事帮我收", "代收人签收", "can someone sign for me"],
    answer:
      "可以。您可以指定代收人，快递员会把快件交给代收人并请其当面验收；代收人签收视为您签收。\n\n没有您的同意，快递员不得自行找人代收或代为签收。",
    answerEn:
      "Yes. You can name someone to receive it; they inspect and sign in your place. Without your consent the courier may not hand it to anyone else or sign for you.",
    category: "派送",
    tags: ["代收", "签收"],
    source: "《快递暂行条例》第二十五条；《快递市场管理办法》第二十八条",
  },
  {
    title: "签收前可以先验货吗？",
    titleEn: "Can I inspect the parcel before signing?",
    questions: ["能先开箱检查再签收吗", "快递员不让验货", "当面验收", "先签字后验货", "can I check before signing"],
    answer:
      "可以。收件人有权当面验收：先检查外包装，如有破损可当面开箱查看内件，发现问题可以拒收或要求快递员记录。\n\n快递员要求先签字再验货是不对的，可以投诉。",
    answerEn:
      "Yes. You have the right to inspect in front of the courier: check the outer box and, if damaged, open it; you may refuse it or have the problem recorded.",
    category: "派送",
    tags: ["验收", "签收"],
    source: "《快递暂行条例》第二十五条（当面验收）",
  },
  {
    title: "可以拒收快递吗？",
    titleEn: "Can I refuse a parcel?",
    questions: ["拒收怎么操作", "不想要了能拒签吗", "拒收运费谁出", "how do I refuse delivery"],
    answer:
      "可以当面拒收，快件会退回寄件人；退回运费一般由寄件人承担（到付件同理）。\n\n外包装明显破损时，建议当面拒收并请快递员记录。",
    answerEn:
      "Yes, refuse it at the door and it returns to the sender, who usually pays the return. If the box is visibly damaged, refuse it and have the courier note why.",
    category: "派送",
    tags: ["拒收", "退回"],
    source: "各快递公司服务条款；《快递暂行条例》第二十五条",
  },
  {
    title: "快件无法投递会怎么处理？",
    titleEn: "What happens to a parcel that cannot be delivered?",
    questions: ["地址找不到怎么办", "联系不上收件人", "快递被退回了", "为什么退件", "undeliverable parcel"],
    answer:
      "联系不上收件人或地址不详时，快递员会先尝试联系；仍无法投递的，按寄件人的要求处理或退回寄件人。\n\n既无法投递又无法退回的快件按无着快件处理。请确保电话和地址准确。",
    answerEn:
      "The courier tries to reach the recipient first; if it still cannot be delivered, it is handled as the sender wishes or returned. Parcels that can be neither delivered nor returned are treated as unclaimed.",
    category: "派送",
    tags: ["退回", "无法投递"],
    source: "《快递暂行条例》（无法投递快件的处理）",
  },
  {
    title: "物流信息好几天不更新怎么办？",
    titleEn: "Tracking hasn't updated for days. What should I do?",
    questions: ["物流不动了", "快递卡住了", "几天没有物流信息", "为什么一直不更新", "tracking not updating"],
    answer:
      "直接发送运单号，我帮您查最新进度。信息超过48小时不更新，可以回复“我要投诉”，我们核查快件位置。\n\n超过承诺时限很久仍无进展的，可能按彻底延误或丢失处理。",
    answerEn:
      "Send me the waybill number and I'll check. If nothing has changed for over 48 hours, reply “complain” and we'll locate it.",
    category: "派送",
    tags: ["物流信息", "延误"],
    source: "GB/T 27917.2（快件跟踪查询）",
  },
  {
    title: "显示已签收但我没收到怎么办？",
    titleEn: "It says delivered but I never got it.",
    questions: ["显示签收了没收到", "我没签收却显示签收", "被别人签收了", "marked as delivered but not received"],
    answer:
      "先看看签收信息里的签收人或代收点（驿站、快递柜、门卫）；确实没有收到的，请回复“我要投诉”并提供运单号，我们立即核实。\n\n未经同意代签或虚假签收属于违规，会按投递服务问题处理。",
    answerEn:
      "Check the signer or drop-off point in the delivery record (station, locker, reception). If you really didn't get it, reply “complain” with the waybill number and we'll investigate at once.",
    category: "派送",
    tags: ["签收", "丢失"],
    source: "《快递市场管理办法》第二十八条（不得代为确认收到快件）",
  },
  {
    title: "节假日和春节还派件吗？",
    titleEn: "Do you deliver on holidays and during Spring Festival?",
    questions: ["过年还送快递吗", "国庆节派件吗", "周末派件吗", "春节期间能寄吗", "do you deliver on weekends"],
    answer:
      "节假日和周末正常收派件，春节期间部分网点会减少班次或暂停，时效会延长，具体以当年公告为准。\n\n年前寄件建议提前安排。",
    answerEn:
      "Weekends and public holidays are normal working days; around Spring Festival some outlets reduce service or pause, and delivery takes longer (see that year's notice).",
    category: "派送",
    tags: ["节假日", "春节"],
    source: "国家邮政局春节期间快递服务保障公告",
  },
  // ── 理赔 claims ──
  {
    title: "快递丢了或坏了怎么赔？",
    titleEn: "How am I compensated for a lost or damaged parcel?",
    questions: [
      "丢件赔多少",
      "快递损坏怎么赔偿",
      "没保价能赔多少",
      "东西摔坏了赔吗",
      "compensation for lost parcel",
      "damaged item compensation",
    ],
    answer:
      "保价的快件按保价规则赔偿：全部丢失或损毁按声明价值赔，部分损毁按实际损失比例赔。未保价的快件按实际损失赔偿，各公司通常设有上限（如运费的若干倍）。\n\n回复“我要投诉”或“理赔”并提供运单号即可发起理赔。",
    answerEn:
      "Insured parcels are paid by the insurance terms: full loss at the declared value, partial damage in proportion. Uninsured parcels are paid for the actual loss, usually up to a cap (a multiple of the fee).\n\nReply “claim” or “complain” with the waybill number to start.",
    category: "理赔",
    tags: ["理赔", "赔偿", "丢失", "损毁"],
    source: "《快递暂行条例》第二十七条；《中华人民共和国邮政法》第四十七条",
  },
  {
    title: "理赔需要什么材料？",
    titleEn: "What documents do I need for a claim?",
    questions: ["索赔要准备什么", "理赔要提供哪些证明", "理赔材料", "what do I need to file a claim"],
    answer:
      "一般需要：运单号、物品价值证明（购物发票、订单截图）、损坏照片（外包装、内件、面单）、保价凭证（如有）和联系方式。\n\n损坏的物品和包装请先保留，不要丢弃。",
    answerEn:
      "Usually: the waybill number, proof of value (invoice, order screenshot), photos of the damage (box, contents, label), the insurance receipt if any, and your contact details. Keep the damaged goods and packaging.",
    category: "理赔",
    tags: ["理赔", "材料"],
    source: "GB/T 27917.3 快递服务 第3部分：服务环节（赔偿）",
  },
  {
    title: "理赔要多久？",
    titleEn: "How long does a claim take?",
    questions: ["理赔多久到账", "赔偿什么时候给", "理赔处理时间", "索赔几天有结果", "how long for claim payment"],
    answer:
      "收到理赔申请后24小时内答复受理；国内件30个自然日内（港澳台和国际件60天）给出赔偿方案；双方确认后7日内支付。\n\n可以发送运单号或工单号查询进度。",
    answerEn:
      "We acknowledge a claim within 24 hours, propose compensation within 30 calendar days (60 for HK/Macao/Taiwan and international) and pay within 7 days of agreement.",
    category: "理赔",
    tags: ["理赔", "时限"],
    source: "GB/T 27917.3（赔偿处理时限）",
  },
  {
    title: "快递延误能赔偿吗？",
    titleEn: "Is there compensation for late delivery?",
    questions: ["超时了能赔吗", "延误赔偿", "迟到了怎么办", "彻底延误是什么", "late delivery compensation"],
    answer:
      "延误的，可以要求按约定减免或退还运费；超过承诺时限同城3天、异地7天仍未投递的，视为彻底延误，可按丢失处理赔偿。\n\n回复“我要投诉”并提供运单号即可受理。",
    answerEn:
      "For a delay you can ask for the fee to be reduced or refunded as agreed; a parcel 3 days (same city) or 7 days (other cities) past its promised time counts as fully delayed and may be compensated as lost.",
    category: "理赔",
    tags: ["延误", "赔偿"],
    source: "GB/T 27917（彻底延误）；《快递暂行条例》第二十七条",
  },
  {
    title: "索赔有期限吗？",
    titleEn: "Is there a deadline for claims?",
    questions: ["多久以内可以索赔", "过了很久还能理赔吗", "索赔期限多长", "claim time limit"],
    answer:
      "有。一般应在快件收寄之日起一年内提出索赔。\n\n内件破损或短少，建议签收时当面提出，最晚尽快联系客服并保留证据。",
    answerEn:
      "Yes: usually within one year of the day the parcel was sent. For damage or missing items, raise it on delivery or as soon as possible, and keep the evidence.",
    category: "理赔",
    tags: ["索赔", "期限"],
    source: "GB/T 27917.3（索赔期限）",
  },
  {
    title: "代收货款什么时候到账？",
    titleEn: "When is cash-on-delivery money paid to me?",
    questions: ["代收款多久返", "货款还没收到", "代收货款没到账", "COD payment time"],
    answer:
      "代收货款在收件人付款签收后，按合同约定的周期结算给寄件人，一般为几个工作日。\n\n超过约定时间未到账的，请回复“我要投诉”，我们按代收货款问题受理。",
    answerEn:
      "The money is settled to the sender on the cycle in the contract after the recipient pays, usually a few working days. If it is late, reply “complain”.",
    category: "理赔",
    tags: ["代收货款"],
    source: "投诉分类 代收货款（seed 001 第六条(五)(六)）",
  },
  // ── 服务 service ──
  {
    title: "客服工作时间是几点到几点？",
    titleEn: "What are your customer service hours?",
    questions: [
      "你们几点下班",
      "人工客服几点上班",
      "客服电话几点能打通",
      "晚上有人工吗",
      "what are your opening hours",
      "when are agents available",
    ],
    answer:
      "智能客服24小时在线；人工客服服务时间见转人工时的提示，非服务时间可以留言，上班后第一时间回复。\n\n网点营业时间以各网点公示为准。",
    answerEn:
      "This assistant answers 24 hours a day; human agents work the hours shown when you ask for one, and outside them you can leave a message.",
    category: "服务",
    tags: ["营业时间", "人工"],
    source: "本公司服务承诺",
  },
  {
    title: "怎么投诉？多久处理？",
    titleEn: "How do I complain, and how long does it take?",
    questions: ["投诉流程", "投诉多久有结果", "在哪里投诉快递员", "how do I file a complaint"],
    answer:
      "在这里回复“我要投诉”并说明问题和运单号，系统会生成工单号；我们会尽快联系您，最长7天内给出处理结果。\n\n可以随时发送工单号查询进度。",
    answerEn:
      "Reply “complain” here with the problem and waybill number; you get a ticket number and we contact you soon, with a result within 7 days at most.",
    category: "服务",
    tags: ["投诉"],
    source: "《邮政业用户申诉处理办法》（企业处理时限）；seed 003 §6",
  },
  {
    title: "对处理结果不满意怎么办？",
    titleEn: "What if I'm not satisfied with how my complaint was handled?",
    questions: ["投诉没人管", "12305怎么投诉", "向邮政管理局申诉", "去哪里申诉快递", "escalate to regulator"],
    answer:
      "向快递公司投诉后7天内未处理或对结果不满意，可以拨打12305或登录国家邮政局申诉网站，向邮政管理部门申诉。\n\n申诉时请准备运单号、投诉记录和相关证据。",
    answerEn:
      "If the carrier has not handled your complaint within 7 days or you disagree with the result, call 12305 or use the State Post Bureau's appeal website.",
    category: "服务",
    tags: ["申诉", "12305"],
    source: "《邮政业用户申诉处理办法》；国家邮政局12305申诉热线",
  },
  {
    title: "我的个人信息安全吗？",
    titleEn: "Is my personal information safe?",
    questions: ["面单信息泄露", "快递信息被泄露了", "个人信息保护", "我的电话被卖了", "is my data safe"],
    answer:
      "快递公司和从业人员不得出售、泄露在寄递中知悉的用户信息；运单上不记录身份证号，可选用隐私面单。\n\n发现信息泄露，请回复“转人工”或向12305申诉。",
    answerEn:
      "Carriers and their staff may not sell or disclose information learned while delivering; ID numbers never appear on the waybill, and privacy waybills hide more.",
    category: "服务",
    tags: ["隐私", "个人信息"],
    source: "《快递暂行条例》（用户信息安全）；《中华人民共和国个人信息保护法》",
  },
  {
    title: "怎么联系快递员或网点？",
    titleEn: "How do I reach the courier or local outlet?",
    questions: ["快递员电话多少", "联系不上快递员", "网点电话", "how do I contact the courier"],
    answer:
      "派送时快递员的电话（或虚拟号）会显示在物流详情中，发送运单号我可以帮您查看。\n\n联系不上快递员的，可以回复“转人工”由客服联系网点。",
    answerEn:
      "The courier's number (or a virtual number) is shown in the tracking details; send me the waybill number. If you can't reach them, reply “agent”.",
    category: "服务",
    tags: ["快递员", "网点"],
    source: "GB/T 27917.2（投递环节）",
  },
];
