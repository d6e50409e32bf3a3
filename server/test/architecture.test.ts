import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../src/config.ts";

/**
 * The layering rules of DESIGN.md hold (`.dependency-cruiser.cjs`, also run by `npm run lint`), and
 * the check is not toothless: a copy of the tree with one deliberate violation fails it.
 */

const rules = createRequire(import.meta.url)(path.join(repoRoot, ".dependency-cruiser.cjs"));
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

async function violations(root: string, paths: string[]): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(paths, { validate: true, ruleSet: rules, ...rules.options });
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

/** A copy of server/src in a temporary folder, with `files` added (path relative to the copy's root). */
function treeWith(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-arch-"));
  scratch.push(root);
  fs.cpSync(path.join(repoRoot, "server/src"), path.join(root, "server/src"), { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

describe("architecture", () => {
  it("the repository keeps every layering rule", async () => {
    expect(await violations(repoRoot, ["server/src", "web", "packages"])).toEqual([]);
  }, 120_000);

  it("fails when a module imports another module's tables", async () => {
    const root = treeWith({
      "server/src/modules/wishlists/wishlists.sneak.ts":
        'import { orders } from "../orders/orders.schema.ts";\nexport const sneak = orders;\n',
    });
    expect(await violations(root, ["server/src"])).toContainEqual(
      "module-internals-stay-inside: server/src/modules/wishlists/wishlists.sneak.ts -> server/src/modules/orders/orders.schema.ts",
    );
  }, 120_000);

  it("fails on an import cycle, even a type-only one", async () => {
    const root = treeWith({
      "server/src/platform/loop-a.ts": 'import type { B } from "./loop-b.ts";\nexport type A = { b?: B };\n',
      "server/src/platform/loop-b.ts": 'import type { A } from "./loop-a.ts";\nexport type B = { a?: A };\n',
    });
    const found = await violations(root, ["server/src"]);
    expect(found.some((v) => v.startsWith("no-circular: server/src/platform/loop-"))).toBe(true);
  }, 120_000);

  it("fails when the platform reaches into a module", async () => {
    const root = treeWith({
      "server/src/platform/reach.ts": 'export { orderDto } from "../modules/orders/index.ts";\n',
    });
    expect(await violations(root, ["server/src"])).toContainEqual(
      "platform-depends-on-no-module: server/src/platform/reach.ts -> server/src/modules/orders/index.ts",
    );
  }, 120_000);
});
