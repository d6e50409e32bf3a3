/**
 * The layering rules of ../shared/DESIGN.md (sections 3 and 4), checked by dependency-cruiser in
 * `npm run lint` (and so in CI). Type-only imports count: a cycle closed by `import type` is still a
 * cycle.
 *
 *   web apps ──> packages/sdk, packages/money, web/ui          (never server code)
 *   server: main/app ──> flows/<operation>/ ──> modules/<domain>/index.ts ──> platform/
 *   a module ──> another module only through its index.ts; its tables (*.schema.ts) stay its own
 *   platform/ ──> nothing of modules, flows, importers or the app
 */
const src = "^server/src";
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycles anywhere, type-only ones included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "platform-depends-on-no-module",
      comment: "platform/ is the foundation: it imports no module, flow, importer or the app.",
      severity: "error",
      from: { path: `${src}/platform/` },
      to: { path: `${src}/(modules|flows|importers|web)/|${src}/(app|main)\\.ts$` },
    },
    {
      name: "module-internals-stay-inside",
      comment:
        "A module imports another module only through its index.ts (never its tables, services or routes).",
      severity: "error",
      from: { path: `${src}/modules/([^/]+)/` },
      to: {
        path: `${src}/modules/[^/]+/`,
        pathNot: [`${src}/modules/$1/`, `${src}/modules/[^/]+/index\\.ts$`],
      },
    },
    {
      name: "only-index-from-outside",
      comment: "Flows, importers, the app and the storefront host use a module through its index.ts.",
      severity: "error",
      from: { path: `${src}/(flows|importers|web)/|${src}/(app|main)\\.ts$` },
      to: { path: `${src}/modules/[^/]+/`, pathNot: `${src}/modules/[^/]+/index\\.ts$` },
    },
    {
      name: "index-exports-no-tables",
      comment: "A module's index.ts does not hand out its Drizzle tables (other modules call its service).",
      severity: "error",
      from: { path: `${src}/modules/([^/]+)/index\\.ts$` },
      to: { path: `${src}/modules/$1/[^/]+\\.schema\\.ts$`, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "modules-use-no-flow",
      comment: "Flows compose modules, never the other way round.",
      severity: "error",
      from: { path: `${src}/(modules|platform)/` },
      to: { path: `${src}/flows/` },
    },
    {
      name: "web-only-through-sdk",
      comment:
        "Web apps and the SDK's runtime import no server code: the API contract is the OpenAPI document.",
      severity: "error",
      from: { path: "^(web|packages/[^/]+/src)/" },
      to: { path: "^server/" },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist)/" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
