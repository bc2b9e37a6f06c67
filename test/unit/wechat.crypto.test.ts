import { describe, expect, it } from "vitest";
import {
  aesKeyFrom,
  decryptMessage,
  encryptMessage,
  pkcs7Pad,
  pkcs7Unpad,
  WechatCryptoError,
  wechatSignature,
} from "../../channels/wechat-oa/wechat.crypto.js";
import { parseWechatXml, textReplyXml, WechatXmlError } from "../../channels/wechat-oa/wechat.xml.js";

// Tencent's published WXBizMsgCrypt sample (token QDG6eK, appid wx5823bf96d3bd56c7).
const SAMPLE = {
  token: "QDG6eK",
  appId: "wx5823bf96d3bd56c7",
  aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  timestamp: "1409659813",
  nonce: "1372623149",
  msgSignature: "477715d11cdb4164915debcba66cb864d751f3e6",
  encrypt:
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
};

describe("WeChat message crypto (WXBizMsgCrypt)", () => {
  it("verifies and decrypts Tencent's published sample", () => {
    expect(wechatSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(SAMPLE.msgSignature);
    const plain = decryptMessage(aesKeyFrom(SAMPLE.aesKey), SAMPLE.appId, SAMPLE.encrypt);
    const push = parseWechatXml(plain);
    expect(push.Content).toBe("hello");
    expect(push.MsgId).toBe("4561255354251345929"); // 64-bit id kept exact as a string
  });

  it("refuses a message encrypted for another appid", () => {
    expect(() => decryptMessage(aesKeyFrom(SAMPLE.aesKey), "wx_other_app", SAMPLE.encrypt)).toThrow(WechatCryptoError);
  });

  it("round-trips Chinese text with PKCS#7 padding to 32-byte blocks", () => {
    const key = aesKeyFrom(SAMPLE.aesKey);
    for (const text of ["", "你好", "运单号 SF1234567890123 到哪了？".repeat(7)]) {
      const enc = encryptMessage(key, SAMPLE.appId, text);
      expect(Buffer.from(enc, "base64").length % 32).toBe(0);
      expect(decryptMessage(key, SAMPLE.appId, enc)).toBe(text);
    }
    expect(pkcs7Pad(Buffer.alloc(32)).length).toBe(64); // a full block of padding when already aligned
  });

  it("rejects tampered ciphertext instead of returning garbage", () => {
    const key = aesKeyFrom(SAMPLE.aesKey);
    // Every one of 300 random prefixes: the last block is all padding, and a tampered one used to
    // decrypt to the original message whenever its garbled last byte equalled the pad (1 in 256).
    for (let i = 0; i < 300; i++) {
      const raw = Buffer.from(encryptMessage(key, SAMPLE.appId, "你好", Buffer.alloc(16, i % 256)), "base64");
      raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ (1 + (i % 255));
      expect(() => decryptMessage(key, SAMPLE.appId, raw.toString("base64"))).toThrow(WechatCryptoError);
    }
    expect(() => decryptMessage(key, SAMPLE.appId, "not base64 at all!")).toThrow(WechatCryptoError);
    // Padding whose bytes disagree is refused, not trimmed by its last byte.
    expect(() => pkcs7Unpad(Buffer.from([65, 66, 3, 2, 3]))).toThrow(WechatCryptoError);
    expect([...pkcs7Unpad(Buffer.from([65, 66, 3, 3, 3]))]).toEqual([65, 66]);
  });

  it("signature is order-independent over its inputs (sorted before hashing)", () => {
    expect(wechatSignature("b", "a", "c")).toBe(wechatSignature("c", "b", "a"));
  });
});

describe("WeChat XML", () => {
  it("refuses DOCTYPE and entity declarations (XML bombs, external entities)", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>`;
    expect(() => parseWechatXml(bomb)).toThrow(WechatXmlError);
    expect(() => parseWechatXml(`<!DOCTYPE x SYSTEM "file:///etc/passwd"><xml/>`)).toThrow(WechatXmlError);
  });

  it("refuses malformed XML and a missing <xml> root", () => {
    expect(() => parseWechatXml("<xml><Content>hi</xml>")).toThrow(WechatXmlError);
    expect(() => parseWechatXml("<root><a>1</a></root>")).toThrow(WechatXmlError);
  });

  it("escapes ]]> in a passive reply so the CDATA cannot be broken out of", () => {
    const out = textReplyXml("o1", "gh", "a]]><MsgType>evil</MsgType>", 1);
    expect(parseWechatXml(out).Content).toBe("a]]><MsgType>evil</MsgType>");
    expect(parseWechatXml(out).MsgType).toBe("text");
  });
});
