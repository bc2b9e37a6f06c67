import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AliyunSmsProvider, aliyunRpcSignature, percentEncode } from "../../channels/sms/aliyun.provider.js";
import { customerPhone, renderSms } from "../../channels/sms/sms.channel.js";
import { twilioSignature, twilioSignatureValid } from "../../channels/sms/twilio.provider.js";
import { graphemes, splitText, utf8Bytes } from "../../src/channel/split.js";

describe("Twilio webhook signature", () => {
  // Twilio's documented example (auth token 12345).
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params: [string, string][] = [
    ["Digits", "1234"],
    ["To", "+18005551212"],
    ["From", "+14158675309"],
    ["Caller", "+14158675309"],
    ["CallSid", "CA1234567890ABCDE"],
  ];
  it("reproduces Twilio's documented signature", () => {
    expect(twilioSignature("12345", url, params)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  });
  it("fails when any parameter, the URL or the token differs", () => {
    const good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    expect(twilioSignatureValid("12345", url, params, good)).toBe(true);
    expect(twilioSignatureValid("12345", `${url}&x=1`, params, good)).toBe(false);
    expect(twilioSignatureValid("54321", url, params, good)).toBe(false);
    expect(twilioSignatureValid("12345", url, [...params.slice(1), ["Digits", "9999"]], good)).toBe(false);
    expect(twilioSignatureValid("12345", url, params, undefined)).toBe(false);
  });
});

describe("Aliyun RPC signature", () => {
  it("reproduces Aliyun's documented example (DescribeRegions, testsecret)", () => {
    const params = {
      AccessKeyId: "testid",
      Action: "DescribeRegions",
      Format: "XML",
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
      SignatureVersion: "1.0",
      Timestamp: "2016-02-23T12:46:24Z",
      Version: "2014-05-26",
    };
    expect(aliyunRpcSignature("testsecret", "GET", params)).toBe("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  });
  it("percent-encodes what encodeURIComponent leaves alone", () => {
    expect(percentEncode("a b*c~d!'()")).toBe("a%20b%2Ac~d%21%27%28%29");
  });
  it("signs a SendSms request with mainland numbers as 11 digits and the reply in the template", () => {
    const p = new AliyunSmsProvider(
      { accessKeyId: "id", accessKeySecret: "s", signName: "快递客服", templateCode: "SMS_1", apiBase: "http://x" },
      () => new Date("2026-01-02T03:04:05.678Z"),
    );
    const q = p.signedParams({ to: "+8613800138000", body: "您好", idempotencyKey: "m1:0" }, "nonce-1");
    expect(q.PhoneNumbers).toBe("13800138000");
    expect(q.Timestamp).toBe("2026-01-02T03:04:05Z");
    expect(JSON.parse(q.TemplateParam!)).toEqual({ content: "您好" });
    const { Signature, ...rest } = q;
    expect(Signature).toBe(aliyunRpcSignature("s", "GET", rest));
    expect(p.maxMessageChars).toBe(300);
  });
});

const split70 = (text: string) => splitText(text, { max: 70, numbered: true });

describe("splitting long texts (every channel)", () => {
  it("keeps a short text in one part", () => {
    expect(split70("您好，请发送运单号。")).toEqual(["您好，请发送运单号。"]);
  });
  it("splits long Chinese texts into numbered parts within the limit, losing nothing", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(..."快递到哪了您好，。请稍候查询运单号ABC123 \n"),
          minLength: 71,
          maxLength: 600,
        }),
        (text) => {
          const parts = split70(text);
          const clean = text.replace(/\n{2,}/g, "\n").trim();
          if (clean.length <= 70) return;
          expect(parts.length).toBeGreaterThan(1);
          parts.forEach((p, i) => {
            expect(p.length).toBeLessThanOrEqual(70);
            expect(p.startsWith(`(${i + 1}/${parts.length})`)).toBe(true);
          });
          const joined = parts.map((p) => p.replace(/^\(\d+\/\d+\)/, "")).join("");
          expect(joined.replace(/\s/g, "")).toBe(clean.replace(/\s/g, ""));
        },
      ),
    );
  });
  it("never breaks a grapheme: a flag or a ZWJ family at the cut moves whole to the next part", () => {
    for (const emoji of ["🇨🇳", "👨‍👩‍👧‍👦", "e\u0301"]) {
      for (let pad = 55; pad <= 70; pad++) {
        const text = `${"快".repeat(pad)}${emoji}${"递".repeat(40)}`;
        const parts = split70(text);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(70);
          // Every part is whole graphemes: the emoji appears intact in exactly one part.
          expect(graphemes(p).join("")).toBe(p);
        }
        expect(parts.filter((p) => p.includes(emoji))).toHaveLength(1);
      }
    }
  });
  it("measures WeChat's limit in UTF-8 bytes", () => {
    const parts = splitText("快".repeat(1000), { max: 2048, measure: utf8Bytes });
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(utf8Bytes(p)).toBeLessThanOrEqual(2048);
    expect(parts.join("")).toBe("快".repeat(1000));
  });
  it("renders quick replies as one line of numbered options", () => {
    expect(renderSms({ text: "请选择", quickReplies: [{ title: "查快递" }, { title: "转人工" }] })).toBe(
      "请选择\n[1 查快递|2 转人工]",
    );
  });
});

describe("customer phone from an SMS sender", () => {
  it("stores mainland mobiles as 11 digits (as the complaint flow does) and others as E.164", () => {
    expect(customerPhone("+8613912345678")).toBe("13912345678");
    expect(customerPhone("+14155550100")).toBe("+14155550100");
    expect(customerPhone("10086")).toBeUndefined(); // a service short code is no customer phone
  });
});
