// Compiles the server (server/src/main.ts) to JavaScript in server/dist/ with esbuild, so that
// production runs `node --enable-source-maps server/dist/main.js` instead of TypeScript through tsx.
//
//   node scripts/build-server.mjs             build now
//   node scripts/build-server.mjs --if-stale  build only when a source changed since the last build
//
// - One ESM bundle for Node 20 (plus a chunk per lazily imported file, e.g. storage.s3.ts, so that what
//   it imports stays lazy too). npm packages stay external (resolved from node_modules at run time:
//   native and wasm packages such as sharp, @node-rs/argon2 and @electric-sql/pglite find their files);
//   the workspace packages (@bazaar/*, whose `main` is TypeScript) are bundled in.
// - `import.meta.dirname` / `filename` / `url` in our sources keep meaning "the source file's folder"
//   (server/src/...), as under tsx, so paths found relative to a source file (the repository root,
//   server/migrations, ...) are the same from server/src and server/dist.
// - Source maps (without sources, which stay in the repository): run with --enable-source-maps and
//   stack traces name the TypeScript files and lines.
// - server/dist/build.json records when the build started and what it read; a source newer than that,
//   a new file under server/src, or a missing input makes the build stale.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
const serverDir = path.join(root, "server");
const outdir = path.join(serverDir, "dist");
const entry = path.join(serverDir, "src/main.ts");
const stampFile = path.join(outdir, "build.json");
const self = import.meta.filename;

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function newest(dir) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

/** Why the compiled server is out of date (a short reason), or null when it is current. */
export function serverStaleReason() {
  if (!fs.existsSync(path.join(outdir, "main.js")) || !fs.existsSync(stampFile)) return "no build yet";
  let stamp;
  try {
    stamp = readJson(stampFile);
  } catch {
    return "unreadable build.json";
  }
  const since = stamp.startedAt;
  // Every file the last build read (server/src, the workspace packages it bundles), plus this script,
  // the package manifests (dependencies decide what stays external) and any file under server/src
  // (a new file is only read once something imports it, but that importer changed too).
  const files = [...(stamp.inputs ?? []), self, path.join(serverDir, "package.json")];
  for (const file of files) {
    const full = path.resolve(root, file);
    if (!fs.existsSync(full)) return `${file} is gone`;
    if (fs.statSync(full).mtimeMs > since) return `${path.relative(root, full)} changed`;
  }
  if (newest(path.join(serverDir, "src")) > since) return "server/src changed";
  for (const pkg of stamp.workspaces ?? []) {
    if (newest(path.join(root, pkg, "src")) > since) return `${pkg}/src changed`;
    if (fs.statSync(path.join(root, pkg, "package.json")).mtimeMs > since)
      return `${pkg}/package.json changed`;
  }
  return null;
}

/** Name of the npm package a bare import specifier points into (`@scope/name/sub` -> `@scope/name`). */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** True when Node, resolving from `dir`, finds the package in a node_modules folder on the way up. */
function resolvableFrom(dir, name) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "node_modules", name, "package.json"))) return true;
    if (path.dirname(d) === d) return false;
  }
}

/** The package.json closest above a file (the workspace package it belongs to). */
function ownerManifest(file) {
  for (let d = path.dirname(file); ; d = path.dirname(d)) {
    const manifest = path.join(d, "package.json");
    if (fs.existsSync(manifest)) return manifest;
    if (path.dirname(d) === d) return null;
  }
}

/**
 * esbuild plugin: bare imports of npm packages stay external, @bazaar/* workspace packages are bundled;
 * in our own sources `import.meta.dirname|filename|url` are rewritten to the source file's location,
 * computed at run time from the bundle's own folder (`server/dist` -> `../src/...`).
 */
function serverPlugin(externals) {
  return {
    name: "bazaar-server",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("node:") || args.kind === "entry-point") return undefined;
        if (args.path.startsWith("@bazaar/")) return undefined; // bundled: their main is TypeScript
        const name = packageName(args.path);
        if (!externals.has(name)) externals.set(name, new Set());
        externals.get(name).add(args.importer);
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        let source = await fs.promises.readFile(args.path, "utf8");
        // main.ts's `#!/usr/bin/env -S npx tsx` would run dist/main.js through tsx: point it at node.
        if (args.path === entry && source.startsWith("#!"))
          source = source.replace(/^#!.*/, "#!/usr/bin/env -S node --enable-source-maps");
        else if (!source.includes("import.meta.")) return undefined;
        const dir = path.relative(outdir, path.dirname(args.path)).split(path.sep).join("/");
        const file = `${dir}/${path.basename(args.path)}`;
        const contents = source.replace(/\bimport\.meta\.(dirname|filename|url)\b/g, (_match, what) =>
          what === "dirname"
            ? `__bazaarJoin(import.meta.dirname, ${JSON.stringify(dir)})`
            : what === "filename"
              ? `__bazaarJoin(import.meta.dirname, ${JSON.stringify(file)})`
              : `__bazaarFileUrl(__bazaarJoin(import.meta.dirname, ${JSON.stringify(file)})).href`,
        );
        return { contents, loader: path.extname(args.path).endsWith("x") ? "tsx" : "ts" };
      });
    },
  };
}

/** Compiles the server to server/dist (main.js, lazily loaded chunks, source maps, build.json). */
export async function buildServer() {
  const startedAt = Date.now();
  const esbuild = await import("esbuild");
  const externals = new Map();
  fs.mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: entry },
    outdir,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "linked",
    sourcesContent: false,
    keepNames: true,
    // Chunks sit beside main.js, so `import.meta.dirname` is server/dist in every output file.
    chunkNames: "[name]-[hash]",
    banner: {
      js: 'import { join as __bazaarJoin } from "node:path"; import { pathToFileURL as __bazaarFileUrl } from "node:url";',
    },
    metafile: true,
    logLevel: "warning",
    plugins: [serverPlugin(externals)],
  });

  // Every external package must be found from server/dist at run time, and should be a declared
  // dependency of the workspace package that imports it (or a production install would miss it).
  const problems = [];
  const warnings = [];
  for (const [name, importers] of externals) {
    if (!resolvableFrom(outdir, name))
      problems.push(
        `${name} (imported by ${[...importers][0]}) is not installed where server/dist can find it`,
      );
    for (const importer of importers) {
      const manifest = ownerManifest(importer);
      const deps = manifest ? (readJson(manifest).dependencies ?? {}) : {};
      if (!(name in deps)) {
        warnings.push(
          `${name} is imported by ${path.relative(root, importer)} but is not in ${path.relative(root, manifest ?? "package.json")} dependencies`,
        );
        break;
      }
    }
  }
  for (const warning of warnings) console.warn(`build-server: warning: ${warning}`);
  if (problems.length > 0) throw new Error(`build-server: ${problems.join("; ")}`);

  // Remove outputs of earlier builds (chunks whose hash changed).
  const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
  outputs.add(stampFile);
  for (const name of fs.readdirSync(outdir)) {
    const full = path.join(outdir, name);
    if (!outputs.has(full) && fs.statSync(full).isFile()) fs.rmSync(full);
  }

  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/"));
  const workspaces = [
    ...new Set(
      inputs.filter((f) => f.startsWith("packages/")).map((f) => f.split("/").slice(0, 2).join("/")),
    ),
  ];
  fs.writeFileSync(stampFile, `${JSON.stringify({ startedAt, inputs, workspaces }, null, 2)}\n`);
  return { ms: Date.now() - startedAt, files: inputs.length };
}

/** Builds when stale; says so on stdout. Returns true when it built. */
export async function buildServerIfStale() {
  const reason = serverStaleReason();
  if (!reason) return false;
  console.log(`Building the server (${reason}) ...`);
  const { ms, files } = await buildServer();
  console.log(`Built server/dist from ${files} files in ${(ms / 1000).toFixed(1)} s.`);
  return true;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const ifStale = process.argv.includes("--if-stale");
  try {
    if (ifStale) await buildServerIfStale();
    else {
      const { ms, files } = await buildServer();
      console.log(`Built server/dist from ${files} files in ${(ms / 1000).toFixed(1)} s.`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
