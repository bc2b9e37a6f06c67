// The classic WeChat safe-mode library (no types of its own): used by tests to encrypt pushes
// and decrypt replies independently of our implementation.
declare module "wechat-crypto" {
  class WXBizMsgCrypt {
    constructor(token: string, encodingAESKey: string, appId: string);
    getSignature(timestamp: string, nonce: string, encrypt: string): string;
    encrypt(text: string): string;
    decrypt(text: string): { message: string; id: string };
  }
  export = WXBizMsgCrypt;
}
