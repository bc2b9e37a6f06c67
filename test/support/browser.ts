import fs from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium via playwright-core; npm test installs it first (scripts/test.mjs). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
    (p) => p && fs.existsSync(p),
  );
  if (!executablePath)
    throw new Error(
      "Chromium not found: install Debian's chromium package or set CHROMIUM_PATH (npm test does this for you).",
    );
  return chromium.launch({
    executablePath,
    headless: true,
    // The network is closed here: without these, Chromium keeps trying to phone home.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
