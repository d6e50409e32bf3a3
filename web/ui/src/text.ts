/**
 * Decodes HTML character references in plain text ("LumaTech&trade;" -> "LumaTech™").
 * Catalog imports sometimes keep them in names and attribute values.
 */
export function decodeEntities(text: string): string {
  if (!text.includes("&") || typeof DOMParser === "undefined") return text;
  return (
    new DOMParser().parseFromString(`<!doctype html><body>${text.replace(/</g, "&lt;")}`, "text/html").body
      .textContent ?? text
  );
}
