import { describe, expect, it } from "vitest";
import { MEDIA_LINK_TTL_MS, MediaLinks } from "../../src/images/media.links.js";

// Signed links Twilio fetches an agent's MMS image through (issue 17); the clock is pinned.
describe("MediaLinks", () => {
  const id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  const at = (iso: string) => () => new Date(iso);
  const parse = (link: string) => {
    const u = new URL(link);
    return { path: u.pathname, exp: Number(u.searchParams.get("exp")), sig: u.searchParams.get("sig")! };
  };

  it("names one image under PUBLIC_URL, valid for 24 hours and not a second more", () => {
    const issued = new MediaLinks("secret-1", "https://kd.example.com", at("2026-11-30T10:00:00Z"));
    const link = parse(issued.link(id));
    expect(link.path).toBe(`/media/${id}`);
    expect(link.exp * 1000).toBe(Date.parse("2026-11-30T10:00:00Z") + MEDIA_LINK_TTL_MS);
    expect(issued.check(id, link.exp, link.sig)).toBe("ok");
    const dayLater = new MediaLinks("secret-1", "https://kd.example.com", at("2026-12-01T10:00:00Z"));
    expect(dayLater.check(id, link.exp, link.sig)).toBe("ok");
    const after = new MediaLinks("secret-1", "https://kd.example.com", at("2026-12-01T10:00:01Z"));
    expect(after.check(id, link.exp, link.sig)).toBe("expired");
  });

  it("refuses a link for another image, a stretched expiry, another server's secret or a mangled signature", () => {
    const links = new MediaLinks("secret-1", "https://kd.example.com", at("2026-11-30T10:00:00Z"));
    const link = parse(links.link(id));
    expect(links.check("00000000-0000-4000-8000-000000000000", link.exp, link.sig)).toBe("invalid");
    expect(links.check(id, link.exp + 3600, link.sig)).toBe("invalid");
    expect(
      new MediaLinks("secret-2", "https://kd.example.com", at("2026-11-30T10:00:00Z")).check(id, link.exp, link.sig),
    ).toBe("invalid");
    const last = link.sig.at(-1) === "A" ? "B" : "A";
    expect(links.check(id, link.exp, `${link.sig.slice(0, -1)}${last}`)).toBe("invalid");
    expect(links.check(id, link.exp, "")).toBe("invalid");
    expect(links.check(id, link.exp, "\u0000\ud800𠮷")).toBe("invalid");
  });
});
