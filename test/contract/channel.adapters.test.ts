import { channelContract } from "./channel.contract.js";
import {
  botFrameworkHarness,
  smsHarness,
  webchatHarness,
  wechatOaHarness,
  wechatyHarness,
} from "./channel.harnesses.js";

// One ChannelAdapter contract, every channel (issue 9), on PGlite and PostgreSQL. The WeChat
// webhook runs with a zero passive window here so its replies take the customer-service API
// (the outbox path this suite checks); passive replies have their own tests.
channelContract("wechat_oa", () => wechatOaHarness({ passiveWindowMs: 0 }));
channelContract("sms", () => smsHarness());
channelContract("botframework", () => botFrameworkHarness());
channelContract("wechaty", () => wechatyHarness());
// The web chat delivers by committing (the HTTP answer, the socket and history carry the stored
// message): no send can fail, so order across a retry does not apply; the rest does.
channelContract("webchat", () => webchatHarness(), undefined, { canFailSends: false });
