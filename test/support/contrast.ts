/**
 * WCAG 2 contrast ratio of an element's text colour (or its `pseudo` element's, e.g. "::after")
 * against the element's own background colour. Runs in the page: pass it to Playwright's
 * `locator.evaluate(contrastOf)` / `evaluate(contrastOf, "::after")`; it must stay self-contained.
 */
export function contrastOf(el: Element, pseudo?: string): number {
  const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const luminance = ([r, g, b]: number[]) => {
    const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r ?? 0) + 0.7152 * lin(g ?? 0) + 0.0722 * lin(b ?? 0);
  };
  const fg = luminance(rgb(getComputedStyle(el, pseudo ?? null).color));
  const bg = luminance(rgb(getComputedStyle(el).backgroundColor));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}
