import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("has working defaults: port 3000, embedded database", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it("fails fast naming the variable on a bad value", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrowError(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrowError(/PORT/);
    expect(() => loadConfig({ PORT: "70000" })).toThrowError(/PORT must be between/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrowError(/DATABASE_URL/);
    expect(() => loadConfig({ SEED_DEMO: "maybe" })).toThrowError(/SEED_DEMO/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrowError(/LOG_LEVEL/);
  });
});
