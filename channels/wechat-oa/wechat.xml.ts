import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isStorableText } from "../../src/http/storable-text.js";

/** The fields of a WeChat push we read (all strings as WeChat sends them). */
export interface WechatPush {
  ToUserName?: string;
  FromUserName?: string;
  CreateTime?: string;
  MsgType?: string;
  Content?: string;
  MsgId?: string;
  Event?: string;
  EventKey?: string;
  Encrypt?: string;
  [field: string]: string | undefined;
}

export class WechatXmlError extends Error {
  override readonly name = "WechatXmlError";
}

const parser = new XMLParser({
  // Values stay strings: MsgId is a 64-bit number that would lose precision as a JS number.
  parseTagValue: false,
  ignoreAttributes: true,
  processEntities: true, // only the five predefined entities: DOCTYPE is refused before parsing
  trimValues: true,
});

/**
 * Parses a WeChat push `<xml>…</xml>`. DOCTYPE and entity declarations are refused outright
 * (XML bombs, external entities): WeChat never sends them.
 */
export function parseWechatXml(body: string): WechatPush {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new WechatXmlError("DOCTYPE and entity declarations are not allowed");
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new WechatXmlError(`malformed XML: ${valid.err.msg}`);
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch (err) {
    throw new WechatXmlError(`malformed XML: ${(err as Error).message}`);
  }
  const root = (doc as { xml?: unknown }).xml;
  if (!root || typeof root !== "object") throw new WechatXmlError("root element <xml> missing");
  const out: WechatPush = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v !== "string" && typeof v !== "number") continue;
    const value = String(v);
    // Safe mode's inner XML never passes the HTTP text guard: check here (issue 20).
    if (!isStorableText(value)) throw new WechatXmlError(`<${k}> contains U+0000 or an unpaired UTF-16 surrogate`);
    // An empty element (<MsgId></MsgId>) is an absent one: an empty MsgId would dedupe every such push as one.
    if (value !== "") out[k] = value;
  }
  return out;
}

function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}

/** A passive text reply (被动回复用户消息). */
export function textReplyXml(to: string, from: string, content: string, createTime: number): string {
  return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>${cdata(content)}</Content></xml>`;
}

/** The safe-mode envelope around an encrypted passive reply. */
export function encryptedReplyXml(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
}
