import sanitizeHtml from "sanitize-html";

/**
 * The HTML staff and imports may store as rich text (product and category descriptions, CMS
 * pages), which the storefront renders as is: formatting, headings, lists, quotes, tables, links
 * (http, https, mailto, tel, or a path on this site) and images (http, https, or this site's
 * /media/ files). Scripts, styles, event handlers, iframes, forms and `javascript:` URLs are
 * dropped, so a description can never run code in a shopper's or staff member's browser.
 * Uses sanitize-html (an allow-list parser); links get `rel="noopener noreferrer"` when they open a
 * new tab.
 */
export function sanitizeRichText(html: string): string {
  if (!html) return "";
  return sanitizeHtml(html, {
    allowedTags: [
      "p",
      "br",
      "hr",
      "strong",
      "b",
      "em",
      "i",
      "u",
      "s",
      "del",
      "ins",
      "mark",
      "small",
      "sub",
      "sup",
      "h1",
      "h2",
      "h3",
      "h4",
      "h5",
      "h6",
      "ul",
      "ol",
      "li",
      "dl",
      "dt",
      "dd",
      "blockquote",
      "code",
      "pre",
      "a",
      "img",
      "figure",
      "figcaption",
      "table",
      "thead",
      "tbody",
      "tfoot",
      "tr",
      "th",
      "td",
      "caption",
      "span",
      "div",
    ],
    allowedAttributes: {
      a: ["href", "title", "target", "rel"],
      img: ["src", "alt", "title", "width", "height", "loading"],
      th: ["colspan", "rowspan", "scope"],
      td: ["colspan", "rowspan"],
      ol: ["start", "reversed"],
      "*": ["class", "lang", "dir"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["http", "https"] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: attribs.target === "_blank" ? { ...attribs, rel: "noopener noreferrer" } : attribs,
      }),
    },
  });
}
