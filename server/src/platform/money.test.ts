import { describe, expect, it } from "vitest";
import { parseMajorUnits } from "./money.ts";

describe("parseMajorUnits", () => {
  it("converts decimal prices to integer minor units exactly", () => {
    expect(parseMajorUnits("52", "USD")).toBe(5200);
    expect(parseMajorUnits("52.5", "USD")).toBe(5250);
    expect(parseMajorUnits("0.29", "USD")).toBe(29); // 0.29 * 100 is 28.999... in floating point
    expect(parseMajorUnits("1,234.99", "USD")).toBe(123499);
    expect(parseMajorUnits("1500", "JPY")).toBe(1500);
    expect(parseMajorUnits("1.2345", "KWD")).toBe(1235); // 3 digits, half-up
  });

  it("rejects text that is not a price, naming the field", () => {
    expect(() => parseMajorUnits("abc", "USD", "price")).toThrowError(/price/);
    expect(() => parseMajorUnits("-3", "USD")).toThrow();
    expect(() => parseMajorUnits("", "USD")).toThrow();
  });
});
