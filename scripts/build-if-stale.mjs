// Builds the web apps when their dist/ is missing or older than their sources, and compiles the server
// to server/dist when its sources changed (scripts/build-server.mjs), so that a second `npm start`
// does not wait for a build it does not need.
import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildServerIfStale } from "./build-server.mjs";

const root = path.resolve(import.meta.dirname, "..");

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

for (const app of ["web/storefront", "web/admin"]) {
  const index = path.join(root, app, "dist/index.html");
  const sources = Math.max(newest(path.join(root, app)), newest(path.join(root, "web/ui")));
  if (!fs.existsSync(index) || fs.statSync(index).mtimeMs < sources) {
    console.log(`Building ${app} ...`);
    execSync(`npm run build -w ${app}`, { cwd: root, stdio: "inherit" });
  }
}

await buildServerIfStale();
