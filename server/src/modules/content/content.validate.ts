import type { TSchema } from "typebox";
import { Value } from "typebox/value";
import { ValidationError } from "../../platform/errors.ts";
import {
  AnnouncementContentSchema,
  type HomeSectionType,
  homeSectionTypes,
  MenuContentSchema,
  PageContentSchema,
  sectionSchemas,
} from "./content.types.ts";

/** A 400 naming one field. */
export function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message }]);
}

const join = (prefix: string, path: string) => [prefix, path].filter(Boolean).join(".");

/**
 * Checks `value` against a TypeBox schema and throws a ValidationError naming the first wrong field
 * (dotted, under `prefix`): an unknown field, a missing one, a wrong type or length.
 */
export function checkShape(schema: TSchema, value: unknown, prefix = ""): void {
  const errors = [...Value.Errors(schema, value)];
  for (const error of errors) {
    const path = error.instancePath.replace(/^\//, "").replaceAll("/", ".");
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "boolean") throw invalid(join(prefix, path), "is not a field of this shape");
    if (error.keyword === "additionalProperties") {
      const extra = Array.isArray(params.additionalProperties) ? params.additionalProperties[0] : undefined;
      throw invalid(join(prefix, [path, extra].filter(Boolean).join(".")), "is not a field of this shape");
    }
    if (error.keyword === "required") {
      const missing = Array.isArray(params.requiredProperties) ? params.requiredProperties[0] : undefined;
      throw invalid(join(prefix, [path, missing].filter(Boolean).join(".")), "is required");
    }
    if (error.keyword === "const") {
      // A choice among literals: name every allowed value.
      const allowed = errors
        .filter((e) => e.keyword === "const" && e.instancePath === error.instancePath)
        .map((e) => String((e.params as { allowedValue?: unknown }).allowedValue));
      throw invalid(join(prefix, path), `must be one of ${allowed.join(", ")}`);
    }
    throw invalid(join(prefix, path) || prefix || "body", error.message);
  }
}

/**
 * Checks the home page's sections one by one against the schema their `type` names, so that a wrong
 * hero says which hero field is wrong (rather than "matches none of the section types").
 * @throws ValidationError naming the field, e.g. `sections.2.heading`.
 */
export function checkSections(sections: unknown, prefix = "sections"): void {
  if (!Array.isArray(sections)) throw invalid(prefix, "must be a list of sections");
  if (sections.length > 30) throw invalid(prefix, "must have at most 30 sections");
  sections.forEach((section, i) => {
    const type = (section as { type?: unknown } | null)?.type;
    if (typeof section !== "object" || section === null || Array.isArray(section))
      throw invalid(`${prefix}.${i}`, "must be a section object");
    if (typeof type !== "string" || !(homeSectionTypes as readonly string[]).includes(type))
      throw invalid(`${prefix}.${i}.type`, `must be one of ${homeSectionTypes.join(", ")}`);
    checkShape(sectionSchemas[type as HomeSectionType], section, `${prefix}.${i}`);
  });
}

/** Checks a home body's shape: sections by type, then the other fields. */
export function checkHomeShape(body: unknown): void {
  if (typeof body !== "object" || body === null) throw invalid("body", "must be an object");
  const { sections, ...rest } = body as Record<string, unknown>;
  if (sections === undefined) throw invalid("sections", "is required");
  checkSections(sections);
  for (const [key, value] of Object.entries(rest)) {
    if (key !== "metaTitle" && key !== "metaDescription") throw invalid(key, "is not a field of this shape");
    if (typeof value !== "string") throw invalid(key, "must be text");
    if (value.length > (key === "metaTitle" ? 255 : 1000)) throw invalid(key, "is too long");
  }
}

export const checkPageShape = (value: unknown) => checkShape(PageContentSchema, value);
export const checkMenuShape = (value: unknown) => checkShape(MenuContentSchema, value);
export const checkAnnouncementShape = (value: unknown) => checkShape(AnnouncementContentSchema, value);

/**
 * Whether `url` is a link shoppers may follow: a path on this site (`/...`, not `//host` nor a
 * backslash trick), a `#fragment`, or an absolute http(s) URL. No `javascript:`, `data:` or other
 * schemes; no spaces or control characters.
 */
export function isSafeLinkUrl(url: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (url.length > 2048 || /[\s\u0000-\u001f\u007f\\]/.test(url)) return false;
  if (url.startsWith("/")) return !url.startsWith("//");
  if (url.startsWith("#")) return true;
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
}

/** @throws ValidationError naming `field` when `url` is not a safe link (see {@link isSafeLinkUrl}). */
export function checkLinkUrl(field: string, url: string, required: boolean): void {
  if (url === "") {
    if (required) throw invalid(field, "is required");
    return;
  }
  if (!isSafeLinkUrl(url))
    throw invalid(field, "must be a path on this site (starting with /) or an http(s) URL");
}
