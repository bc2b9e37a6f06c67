/**
 * Which outlet (网点) a piece of text names (issue 23), beyond the exact code or name: a tracking
 * location ("杭州西湖区文三路网点", "【杭州西湖网点】正在派件") or what an agent types ("西湖").
 * Pure, so it is tested on lists of outlets without a database.
 *
 * Names are compared by a key: width-folded (NFKC), without spaces, brackets and the generic
 * suffixes of an outlet's name (网点, 营业部, 分部 …). A text names an outlet when its key equals
 * the outlet's, or (tracking and typed text alike) holds the outlet's key of 3 characters or more
 * ("杭州西湖区文三路" holds "杭州西湖"), or (typed text only) is held in it ("西湖" in "杭州西湖").
 * Several outlets fit: the one with the longest key wins when it is the only one that long, else
 * the text is ambiguous. An outlet whose regions lie in another province than the place the text
 * names is never taken ("西湖" of 江西 never goes to 杭州). A transfer centre that is no outlet
 * ("【杭州转运中心】") names none.
 */
import { locate } from "../places/divisions.js";

export interface OutletCandidate {
  code: string;
  name: string;
  /** GB/T 2260 province or city codes the outlet serves. */
  regionCodes: readonly string[];
}

export type OutletMatch<T extends OutletCandidate> =
  | { kind: "match"; outlet: T }
  | { kind: "ambiguous"; candidates: T[] }
  | { kind: "none" };

const BRACKETS = /[【】[\]()（）<>《》〔〕「」"'“”‘’\s·・\-—_]/g;
/** Generic words at the end of an outlet's name; longest first. */
const SUFFIX =
  /(营业网点|服务网点|快递网点|网点|营业部|营业厅|营业点|营业所|分营业部|分部|分公司|服务部|服务点|服务站|派送点|揽收点|揽投部|配送站|站点)$/;

/** The key two names are compared by. */
export function outletKey(text: string): string {
  let s = text.normalize("NFKC").replace(BRACKETS, "").toLowerCase();
  for (let i = 0; i < 2; i++) {
    const t = s.replace(SUFFIX, "");
    if (t === s || t.length < 2) break;
    s = t;
  }
  return s;
}

const MIN_HELD = 3;

/**
 * The outlet `text` names among `outlets`. `typed`: an agent's input, which may be a part of the
 * outlet's name; otherwise text from tracking, which may say more than the outlet's name but not less.
 */
export function matchOutlet<T extends OutletCandidate>(
  text: string | null | undefined,
  outlets: readonly T[],
  opts: { typed?: boolean } = {},
): OutletMatch<T> {
  return outletMatcher(outlets)(text, opts);
}

/** matchOutlet over one list of outlets, its keys computed once (many texts against the same outlets). */
export function outletMatcher<T extends OutletCandidate>(
  outlets: readonly T[],
): (text: string | null | undefined, opts?: { typed?: boolean }) => OutletMatch<T> {
  const byCode = new Map(outlets.map((o) => [o.code, o]));
  const byName = new Map<string, T[]>();
  for (const o of outlets) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  const keyed = outlets.map((o) => ({ o, k: outletKey(o.name) }));
  return (text, opts = {}) => {
    const raw = (text ?? "").trim();
    if (!raw) return { kind: "none" };
    const code = byCode.get(raw);
    if (code) return { kind: "match", outlet: code };
    const named = byName.get(raw) ?? [];
    if (named.length === 1) return { kind: "match", outlet: named[0]! };
    if (named.length > 1) return { kind: "ambiguous", candidates: named };

    const key = outletKey(raw);
    if (key.length < 2) return { kind: "none" };
    const equalAll = keyed.filter(({ k }) => k === key);
    const heldAll = keyed.filter(({ k }) => k.length >= MIN_HELD && k !== key && key.includes(k));
    const holdingAll = opts.typed ? keyed.filter(({ k }) => k !== key && k.includes(key)) : [];
    if (!equalAll.length && !heldAll.length && !holdingAll.length) return { kind: "none" };
    // Only now the place the text names (the slow part), to keep out other provinces' outlets.
    const place = locate(raw);
    const fits = ({ o }: { o: T }) =>
      !place ||
      o.regionCodes.length === 0 ||
      o.regionCodes.some(
        (r) =>
          r.slice(0, 2) === place.provinceCode.slice(0, 2) &&
          (!place.cityCode || r.endsWith("0000") || r.slice(0, 4) === place.cityCode.slice(0, 4)),
      );
    const equal = equalAll.filter(fits);
    if (equal.length === 1) return { kind: "match", outlet: equal[0]!.o };
    if (equal.length > 1) return { kind: "ambiguous", candidates: equal.map(({ o }) => o) };
    const held = heldAll.filter(fits);
    const holding = holdingAll.filter(fits);
    const found = [...held, ...holding];
    if (found.length === 0) return { kind: "none" };
    if (found.length === 1) return { kind: "match", outlet: found[0]!.o };
    // More specific wins: the longest key held in the text, when no other is as long.
    if (held.length && !holding.length) {
      const longest = Math.max(...held.map(({ k }) => k.length));
      const top = held.filter(({ k }) => k.length === longest);
      if (top.length === 1) return { kind: "match", outlet: top[0]!.o };
    }
    return { kind: "ambiguous", candidates: found.map(({ o }) => o) };
  };
}
