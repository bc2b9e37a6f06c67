/** Bot replies in zh-CN (default) and English. Variables are written {name}. */
export type Locale = "zh-CN" | "en";

const zh = {
  greeting:
    "您好！我是快递智能客服。我可以帮您：\n1. 查询快递进度（直接发送运单号即可）\n2. 催件、改地址、预约取件、派送偏好、理赔\n3. 投诉与建议\n4. 查询投诉和请求的处理进度\n5. 转人工客服",
  capabilities: "抱歉，这个问题我暂时回答不了。我可以帮您查询快递、受理投诉和建议、查询投诉进度，或为您转接人工客服。",
  "quick.track": "查快递",
  "quick.complain": "我要投诉",
  "quick.progress": "投诉进度",
  "quick.human": "转人工",
  "quick.inquiry": "业务咨询",
  "quick.suggest": "提建议",
  "quick.hello": "你好",
  clarify: "抱歉，我不太确定您的意思。您是想：",
  thanks: "不客气，很高兴能帮到您！还有其他问题随时找我。",
  ack: "好的。还有其他问题随时找我。",
  whoami:
    "我是快递智能客服（机器人），可以直接帮您查快递，办理催件、改地址、预约取件、理赔，受理投诉和建议。需要真人客服请回复“转人工”。",
  "handoff.queued": "好的，正在为您转接人工客服，您当前排在第{position}位，请稍候，客服接入后会在这里回复您。",
  "handoff.offline":
    "好的，已为您转接人工客服。当前暂无客服在线（人工服务时间：{hours}），您可以先留言描述问题，客服上线后会第一时间在这里回复您。",
  "error.empty": "您好像没有输入内容，请用文字描述您的问题，或直接发送运单号。",
  "error.unsupported": "暂时只能识别文字消息，请用文字描述，或发送运单号。",
  "error.internal": "抱歉，系统开了个小差，请稍后再试，或回复“转人工”。",
  "handoff.ended": "人工服务已结束，智能客服继续为您服务。如需人工，请回复“转人工”。",
  "handoff.left": "好的，已取消转人工，智能客服继续为您服务。",
  "handoff.received": "已收到您的留言，客服接入后会一并查看并在这里回复您。如不再需要人工，回复“算了”即可。",
} as const;

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  greeting:
    "Hello! I'm the delivery service assistant. I can help you:\n1. Track a parcel (just send the waybill number)\n2. Hurry a parcel, change its address, book a pickup, set how it is delivered, claim compensation\n3. Make a complaint or suggestion\n4. Check the progress of a complaint or request\n5. Talk to a human agent",
  capabilities:
    "Sorry, I can't answer that one. I can track parcels, take complaints and suggestions, check a complaint's progress, or put you through to an agent.",
  "quick.track": "Track a parcel",
  "quick.complain": "Make a complaint",
  "quick.progress": "Complaint progress",
  "quick.human": "Talk to an agent",
  "quick.inquiry": "Ask a question",
  "quick.suggest": "Make a suggestion",
  "quick.hello": "Hello",
  clarify: "Sorry, I'm not sure what you mean. Did you want to:",
  thanks: "You're welcome! Ask me any time.",
  ack: "OK. Ask me any time.",
  whoami:
    "I'm the delivery service's virtual assistant (a bot). I can track parcels, hurry one, change an address, book a pickup, start a claim, and take complaints and suggestions. Tap “Talk to an agent” to talk to a person.",
  "handoff.queued":
    "OK, I'm putting you through to a human agent. You are number {position} in the queue; they will reply here.",
  "handoff.offline":
    "OK, you're in the queue for a human agent. Nobody is online right now (service hours: {hours}); leave a message describing the problem and an agent will reply here as soon as they're back.",
  "error.empty": "Your message looks empty. Please describe your question in words, or send the waybill number.",
  "error.unsupported": "I can only read text for now. Please describe it in words, or send the waybill number.",
  "error.internal": 'Sorry, something went wrong on our side. Please try again, or reply "agent".',
  "handoff.ended": 'The agent has finished; the assistant is with you again. Reply "agent" to talk to a person.',
  "handoff.left": "OK, you have left the queue for an agent; the assistant is with you again.",
  "handoff.received":
    'Got it. Your message is kept for the agent, who will see it and reply here. Reply "never mind" if you no longer need one.',
};

export const BOT_TEXTS: Record<Locale, Record<TextKey, string>> = { "zh-CN": zh, en };

export function t(locale: Locale, key: TextKey, vars?: Record<string, string | number>): string {
  const template = BOT_TEXTS[locale][key] ?? zh[key];
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : template;
}

export function toLocale(value: string | null | undefined): Locale {
  return value?.toLowerCase().startsWith("en") ? "en" : "zh-CN";
}
