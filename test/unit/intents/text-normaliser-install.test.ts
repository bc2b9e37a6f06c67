import { describe, expect, it } from "vitest";
import { exportCharMap, installCharMap, normaliseText } from "../../../intents/text.normaliser.js";

// installCharMap: the model cache hands back a stored table so a restart skips OpenCC. Its own
// file, so that no table is built before the first install (module state).
describe("installCharMap", () => {
  it("ignores a table of odd length, installs an even one once, then ignores later ones", () => {
    installCharMap(new Uint16Array([0x4e00]));
    installCharMap(new Uint16Array([0x4e00, 0x4e01, 0x9019, 0x8fd9]));
    installCharMap(new Uint16Array([0x4e00, 0x4e02]));
    expect(normaliseText("一這個")).toBe("丁这個");
    expect(Array.from(exportCharMap())).toEqual([0x4e00, 0x4e01, 0x9019, 0x8fd9]);
  });
});
