import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AliyunSmsProvider, aliyunRpcSignature, percentEncode } from "../../channels/sms/aliyun.provider.js";
import { customerPhone, renderSms } from "../../channels/sms/sms.channel.js";
import { splitSms } from "../../channels/sms/sms.segments.js";
import { twilioSignature, twilioSignatureValid } from "../../channels/sms/twilio.provider.js";

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
    expect(p.maxSegmentChars).toBe(70 - "【快递客服】".length);
  });
});

describe("SMS segments", () => {
  it("keeps a short reply in one segment", () => {
    expect(splitSms("您好，请发送运单号。", 70)).toEqual(["您好，请发送运单号。"]);
  });
  it("splits long Chinese replies into numbered parts of at most 70 characters", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(..."快递到哪了您好，。请稍候查询运单号ABC123 \n"),
          minLength: 71,
          maxLength: 600,
        }),
        (text) => {
          const parts = splitSms(text, 70);
          if (text.replace(/\n{2,}/g, "\n").trim().length <= 70) return;
          expect(parts.length).toBeGreaterThan(1);
          expect(parts.length).toBeLessThanOrEqual(5);
          parts.forEach((p, i) => {
            expect(p.length).toBeLessThanOrEqual(70);
            expect(p.startsWith(`(${i + 1}/${parts.length})`)).toBe(true);
          });
        },
      ),
    );
  });
  it("loses nothing when the reply fits in the part limit", () => {
    const text =
      "第一句话很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。第二句话也很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。第三句。";
    const joined = splitSms(text, 70)
      .map((p) => p.replace(/^\(\d+\/\d+\)/, ""))
      .join("");
    expect(joined).toBe(text);
  });
  it("gives pure ASCII text the 160-character GSM-7 segment", () => {
    expect(splitSms("a".repeat(150), 70)).toHaveLength(1);
  });
  it("renders quick replies as one line of options", () => {
    expect(renderSms({ text: "请选择", quickReplies: [{ title: "查快递" }, { title: "转人工" }] })).toBe(
      "请选择\n[查快递|转人工]",
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
