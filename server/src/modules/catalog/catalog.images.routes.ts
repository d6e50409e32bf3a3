import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { ValidationError } from "../../platform/errors.ts";
import { originalUrl, sizeUrl } from "../../platform/images.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { recordStaffAction } from "../audit/index.ts";
import { UploadedImageSchema } from "./catalog.admin.types.ts";
import { saveImage } from "./catalog.service.ts";

/** Image types staff may upload (the bytes are the request body). */
const imageTypes = ["image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"];
const imageBytesMax = 20 * 1024 * 1024;

/** Where an image upload route lives, who may call it, and how it is documented and audited. */
export interface ImageUploadRoute {
  /** Path under the plugin's prefix, e.g. `/images`. */
  url: string;
  /** Who may upload: staff with this permission, or (vendor portal) members of the vendor. */
  access: { permission: "catalog:write" | "cms:write" } | { vendorRole: "member" };
  /** Audit action, e.g. `catalog.image.upload`. */
  action: string;
  summary: string;
  /** Where the answered id goes, for the description ("a product's `images`"). */
  use: string;
  tags: string[];
}

/**
 * An image upload route for staff (one per permission that needs it: the catalog's, the content
 * editor's): the body is the image file itself (JPEG, PNG, WebP, GIF or AVIF, at most 20 MB: 413
 * beyond, 415 for another type), stored once by content (the same file twice is one image, see
 * `saveImage`); header `x-alt-text` (URL-encoded) sets its default alt text. 201 with its id and URLs.
 * @throws ValidationError naming `image` when the bytes are not such an image, `x-alt-text` when the
 *   header is not URL-encoded.
 */
export function imageUploadRoute(ctx: AppContext, route: ImageUploadRoute): FastifyPluginAsyncTypebox {
  return async (upload) => {
    // Images come as the raw file; nothing else is parsed here (415 for other types).
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser(
      imageTypes,
      { parseAs: "buffer", bodyLimit: imageBytesMax },
      (_r, body, done) => done(null, body),
    );
    upload.post(
      route.url,
      {
        config: { ...route.access },
        schema: {
          summary: route.summary,
          description:
            "The body is the image file itself (`Content-Type` image/jpeg, png, webp, gif or avif; at most 20 MB: 413 " +
            "beyond, 415 for another type). Stored once by content (the same file uploaded twice is one image); " +
            `responsive WebP sizes are made on first request. 201 with its id: put it in ${route.use}. Header ` +
            "`x-alt-text` (URL-encoded) sets its default alt text. Errors: 400 naming `image` when the bytes are not " +
            "such an image.",
          tags: route.tags,
          consumes: imageTypes,
          body: Type.Unsafe<Buffer>({ type: "string", format: "binary", description: "The image file" }),
          response: {
            201: UploadedImageSchema,
            400: ProblemSchema,
            401: ProblemSchema,
            403: ProblemSchema,
            413: ProblemSchema,
            415: ProblemSchema,
          },
        },
        // Raw bytes: the schema documents them; the image checks are below.
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body) || request.body.length === 0)
          throw new ValidationError([{ field: "image", message: "send the image file as the request body" }]);
        let stored: Awaited<ReturnType<typeof ctx.images.storeOriginal>>;
        try {
          stored = await ctx.images.storeOriginal(request.body);
        } catch {
          throw new ValidationError([
            { field: "image", message: "is not a JPEG, PNG, WebP, GIF or AVIF image" },
          ]);
        }
        const rawAlt = request.headers["x-alt-text"];
        let alt = "";
        try {
          alt = typeof rawAlt === "string" ? decodeURIComponent(rawAlt).slice(0, 500) : "";
        } catch {
          throw new ValidationError([{ field: "x-alt-text", message: "must be URL-encoded text" }]);
        }
        const id = await ctx.db.transaction(async (tx) => {
          const imageId = await saveImage(tx, stored, alt);
          await recordStaffAction(tx, request, {
            action: route.action,
            targetType: "image",
            targetId: imageId,
            metadata: { bytes: stored.bytes, mimeType: stored.mimeType, sha256: stored.sha256 },
          });
          return imageId;
        });
        const extension = stored.storageKey.slice(stored.storageKey.lastIndexOf(".") + 1);
        return reply.status(201).send({
          id,
          url: originalUrl(stored.sha256, extension),
          thumbnailUrl: sizeUrl(stored.sha256, 320),
          width: stored.width,
          height: stored.height,
        });
      },
    );
  };
}
