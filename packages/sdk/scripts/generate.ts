/** Writes packages/sdk/openapi.json and packages/sdk/src/schema.ts (`npm run generate -w packages/sdk`). */
import fs from "node:fs";
import path from "node:path";
import { documentPath, generate, schemaPath } from "./openapi.ts";

const { document, schema } = await generate();
for (const [file, text] of [
  [documentPath, document],
  [schemaPath, schema],
] as const) {
  const changed = !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text;
  if (changed) fs.writeFileSync(file, text);
  console.log(`${changed ? "wrote" : "unchanged"} ${path.relative(process.cwd(), file)}`);
}
