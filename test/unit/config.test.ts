import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("config: SCHEDULER_SWEEP_MS", () => {
  it("sweeps the database every 15 s unless set (0.1 s to 10 min)", () => {
    expect(loadConfig({}).SCHEDULER_SWEEP_MS).toBe(15_000);
    expect(loadConfig({ SCHEDULER_SWEEP_MS: "500" }).SCHEDULER_SWEEP_MS).toBe(500);
    expect(() => loadConfig({ SCHEDULER_SWEEP_MS: "50" })).toThrow(/SCHEDULER_SWEEP_MS/);
  });
});

describe("config: INSTANCES", () => {
  const scale = { DATABASE_URL: "postgres://u@h/db", REDIS_URL: "redis://h:6379" };

  it("defaults to one instance and accepts a count or auto in scale mode", () => {
    expect(loadConfig({}).INSTANCES).toBe(1);
    expect(loadConfig({ ...scale, INSTANCES: "4" }).INSTANCES).toBe(4);
    expect(loadConfig({ ...scale, INSTANCES: "auto" }).INSTANCES).toBe("auto");
  });

  it("refuses several instances on the embedded database, naming the variable", () => {
    expect(() => loadConfig({ INSTANCES: "2" })).toThrow(ConfigError);
    expect(() => loadConfig({ INSTANCES: "2" })).toThrow(/INSTANCES: several instances need scale mode/);
    expect(() => loadConfig({ ...scale, INSTANCES: "0" })).toThrow(/INSTANCES/);
  });
});
