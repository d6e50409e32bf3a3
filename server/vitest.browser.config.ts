import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Two files at a time (each its own app, database and Chromium): 350 s instead of 617 s for the
    // suite on this 2-core machine, every test passing.
    fileParallelism: true,
    maxWorkers: 2,
    // A page under CI load can take a few seconds to render; expect.poll's 1 s default made
    // "the category shows its products" flaky on a busy machine.
    expect: { poll: { timeout: 10_000 } },
  },
});
