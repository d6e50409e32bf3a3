import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AppContext } from "./context.ts";
import { NotFoundError } from "./errors.ts";
import { type ImageWidth, imageWidths, mimeByExtension } from "./images.ts";

const immutable = "public, max-age=31536000, immutable";

/**
 * Image delivery: `/media/images/<sha256>/original.<ext>` (the stored original) and
 * `/media/images/<sha256>/w<width>.webp` (a responsive WebP size, made on first request, then kept).
 * Files are content-addressed, so they are cached for a year and validated by ETag.
 */
export function mediaRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      "/images/:sha/:file",
      {
        schema: {
          hide: true,
          params: Type.Object({
            sha: Type.String({ pattern: "^[a-f0-9]{64}$" }),
            file: Type.String({ pattern: "^(original\\.(jpg|png|webp|gif|avif)|w\\d{2,4}\\.webp)$" }),
          }),
        },
      },
      async (request, reply) => {
        const { sha, file } = request.params;
        const etag = `"${sha.slice(0, 16)}-${file}"`;
        if (request.headers["if-none-match"] === etag) return reply.status(304).header("etag", etag).send();
        if (file.startsWith("original.")) {
          const extension = file.slice("original.".length);
          const found = await ctx.images.original(sha, extension);
          if (!found) throw new NotFoundError("IMAGE_NOT_FOUND", "No such image");
          return reply
            .header("cache-control", immutable)
            .header("etag", etag)
            .header("content-length", found.object.bytes)
            .type(mimeByExtension[extension] ?? "application/octet-stream")
            .send(found.body);
        }
        const width = Number(file.slice(1, -".webp".length));
        if (!imageWidths.includes(width as ImageWidth)) {
          throw new NotFoundError("IMAGE_SIZE_NOT_FOUND", `Sizes are ${imageWidths.join(", ")} pixels wide`);
        }
        for (const extension of ["jpg", "png", "webp", "gif", "avif"]) {
          const webp = await ctx.images.size(sha, extension, width as ImageWidth);
          if (webp)
            return reply
              .header("cache-control", immutable)
              .header("etag", etag)
              .type("image/webp")
              .send(webp);
        }
        throw new NotFoundError("IMAGE_NOT_FOUND", "No such image");
      },
    );
  };
}
