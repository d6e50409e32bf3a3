import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const serverDir = path.resolve(import.meta.dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bazaar-shutdown-"));

/** Starts `bazaar start` as a real process and resolves with its URL once it listens. */
function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "start"], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      LOG_LEVEL: "info",
      DATA_DIR: dataDir,
      ...env,
    },
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving the shop on (http:\/\/localhost:\d+)/.exec(output);
      if (match) resolve({ child, url: match[1]!.replace("localhost", "127.0.0.1"), output: () => output });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("the server process", () => {
  it("fails fast with a message naming a bad variable", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "start"], {
      cwd: serverDir,
      env: { ...process.env, PORT: "not-a-port" },
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    expect(await exitOf(child)).toBe(78);
    expect(stderr).toContain("PORT must be a whole number");
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "stops on %s after finishing in-flight requests, and starts again on the same data",
    async (signal) => {
      const env: Record<string, string> = {};
      const { child, url, output } = await startServer(env);
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      // A request the server has accepted when the signal arrives still gets its answer.
      const inFlight = fetch(`${url}/api/store/categories`);
      await expect
        .poll(() => output().includes('"url":"/api/store/categories"'), { interval: 5, timeout: 10_000 })
        .toBe(true);
      child.kill(signal);
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await exitOf(child)).toBe(0);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      // The embedded database was closed cleanly: a new process opens it.
      const again = await startServer(env);
      expect((await fetch(`${again.url}/ready`)).status).toBe(200);
      again.child.kill("SIGTERM");
      expect(await exitOf(again.child)).toBe(0);
    },
  );
});
