/**
 * Issue 18: "正在输入…" signals are relayed to the other side of a conversation, a few at a time:
 * the pages send one at most every 1.5 s while someone types (and one at once after a message
 * was sent), this caps what a socket can push through (5 in any 10 s) without dropping the
 * first signal of a new message.
 */
export function typingLimiter(max = 5, windowMs = 10_000, now: () => number = Date.now): () => boolean {
  const sent: number[] = [];
  return () => {
    const at = now();
    while (sent.length && at - sent[0]! >= windowMs) sent.shift();
    if (sent.length >= max) return false;
    sent.push(at);
    return true;
  };
}
