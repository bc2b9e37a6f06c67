import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * WeChat's message signature and "safe mode" encryption (WXBizMsgCrypt), pure functions.
 * signature = SHA1 of the sorted, concatenated strings (token, timestamp, nonce[, encrypt]).
 * Encryption: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0..16), plaintext =
 * 16 random bytes ‖ uint32 big-endian length ‖ message ‖ appid, PKCS#7-padded to 32 bytes.
 */
export function wechatSignature(...parts: string[]): string {
  return createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");
}

export function signatureMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given.toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

const BLOCK = 32;

export class WechatCryptoError extends Error {
  override readonly name = "WechatCryptoError";
}

export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey))
    throw new WechatCryptoError("EncodingAESKey must be 43 base64 characters");
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  if (key.length !== 32) throw new WechatCryptoError("EncodingAESKey does not decode to 32 bytes");
  return key;
}

export function pkcs7Pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function pkcs7Unpad(data: Buffer): Buffer {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > BLOCK || n > data.length) throw new WechatCryptoError("bad padding");
  // Every pad byte must be n, as WXBizMsgCrypt writes them: checking the last one only let a tampered
  // last block through whenever its garbled last byte happened to equal the pad (1 in 256).
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) throw new WechatCryptoError("bad padding");
  return data.subarray(0, data.length - n);
}

export function encryptMessage(key: Buffer, appId: string, message: string, random: Buffer = randomBytes(16)): string {
  const body = Buffer.from(message, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random, len, body, Buffer.from(appId, "utf8")]));
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

/** Decrypts and checks the trailing appid; throws WechatCryptoError on any mismatch. */
export function decryptMessage(key: Buffer, appId: string, encrypted: string): string {
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const raw = Buffer.from(encrypted, "base64");
    if (raw.length === 0 || raw.length % 16 !== 0) throw new WechatCryptoError("ciphertext length");
    plain = pkcs7Unpad(Buffer.concat([decipher.update(raw), decipher.final()]));
  } catch (err) {
    if (err instanceof WechatCryptoError) throw err;
    throw new WechatCryptoError("cannot decrypt");
  }
  if (plain.length < 20) throw new WechatCryptoError("plaintext too short");
  const len = plain.readUInt32BE(16);
  if (20 + len > plain.length) throw new WechatCryptoError("bad length field");
  const message = plain.subarray(20, 20 + len).toString("utf8");
  const from = plain.subarray(20 + len).toString("utf8");
  if (from !== appId) throw new WechatCryptoError("appid mismatch");
  return message;
}
