import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { AppContext } from "../../platform/context.ts";
import { AppError, NotFoundError, ValidationError } from "../../platform/errors.ts";
import { ProblemSchema } from "../../platform/problem.schema.ts";
import { recordStaffAction } from "../audit/index.ts";
import type { Permission } from "../staff/index.ts";
import {
  formatMediaTypes,
  parseTransferFile,
  type TransferFormat,
  transferFormats,
} from "./transfers.files.ts";
import {
  createTransfer,
  dataTransferJob,
  failTransfer,
  getTransfer,
  type ImportResource,
  importResources,
  listTransfers,
  newTransferId,
  permissionFor,
  requiredColumns,
  transferKey,
  transferPermissions,
  transferView,
  visibleKinds,
} from "./transfers.service.ts";
import {
  ExportBodySchema,
  ImportQuerySchema,
  TransferListQuerySchema,
  TransferListSchema,
  TransferSchema,
} from "./transfers.types.ts";

/** Largest upload accepted (413 beyond). */
export const uploadBytesMax = 50 * 1024 * 1024;

/** Media types an upload may have (415 for others); parameters such as `charset` are allowed. */
const uploadTypes = Object.values(formatMediaTypes);

/** 403 PERMISSION_DENIED unless the caller holds `permission` (the guard let any staff member through). */
function requirePermission(request: FastifyRequest, permission: Permission): void {
  if (!request.staff?.permissions.has(permission))
    throw new AppError(403, "PERMISSION_DENIED", `This needs the ${permission} permission.`);
}

/** The import's query string, checked as ImportQuerySchema says. @throws ValidationError naming the parameter */
function checkImportQuery(raw: unknown): { resource: ImportResource; format?: TransferFormat } {
  const query = (raw ?? {}) as Record<string, unknown>;
  const extra = Object.keys(query).find((k) => k !== "resource" && k !== "format");
  if (extra) throw new ValidationError([{ field: extra, message: "is not a parameter of this operation" }]);
  const { resource, format } = query;
  if (typeof resource !== "string" || !(importResources as readonly string[]).includes(resource))
    throw new ValidationError([
      { field: "resource", message: `must be one of ${importResources.join(", ")}` },
    ]);
  if (format !== undefined && !(transferFormats as readonly unknown[]).includes(format))
    throw new ValidationError([{ field: "format", message: `must be one of ${transferFormats.join(", ")}` }]);
  return { resource: resource as ImportResource, ...(format ? { format: format as TransferFormat } : {}) };
}

/** A file name safe in a Content-Disposition header, with the UTF-8 original beside it. */
function attachment(reply: FastifyReply, fileName: string): FastifyReply {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return reply.header(
    "content-disposition",
    `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  );
}

/** The uploaded file's name from `x-file-name` (URL-encoded), kept to its last path segment. */
function uploadName(request: FastifyRequest, resource: string, format: TransferFormat): string {
  const raw = request.headers["x-file-name"];
  let name = "";
  if (typeof raw === "string" && raw) {
    try {
      name = decodeURIComponent(raw);
    } catch {
      throw new ValidationError([{ field: "x-file-name", message: "must be URL-encoded text" }]);
    }
  }
  const last = name.split(/[\\/]/).pop() ?? "";
  name = [...last]
    .filter((c) => c >= " " && c !== "\u007f")
    .join("")
    .trim()
    .slice(0, 200);
  return name || `${resource}.${format}`;
}

/**
 * Staff imports and exports under /api/admin, run by the `data-transfer` background job:
 * - `POST /transfers/imports?resource=products|stock` takes the file itself as the body (CSV or JSON,
 *   at most 50 MB) and `POST /transfers/exports` a resource to write as CSV; both answer 202 with the
 *   queued transfer, whose progress `GET /transfers/:id` follows.
 * - `GET /transfers` lists them, newest first; `/transfers/:id/error-report` is the CSV of an import's
 *   failed rows, `/transfers/:id/file` an export's CSV.
 *
 * Permissions: a route declares one permission, and what a transfer needs depends on its resource, so
 * these routes declare `staff` (any staff member) and check in the handler (403 PERMISSION_DENIED
 * naming it): importing products needs catalog:write, stock inventory:write; exporting products or
 * stock needs catalog:read, customers customers:read, orders orders:read. Seeing a transfer (its
 * progress, error report or file) needs the permission that starting it needs; the list shows only
 * those. Starting one is audited (`transfer.import.start`, `transfer.export.start`).
 */
export function adminTransferRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ["admin", "transfers"];
    const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
    const params = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
    const permissionsNote =
      "Needs, by resource: importing products catalog:write, stock inventory:write; exporting products or stock " +
      "catalog:read, customers customers:read, orders orders:read (403 PERMISSION_DENIED naming it).";

    /** A transfer the caller may see. @throws 404 TRANSFER_NOT_FOUND, 403 PERMISSION_DENIED */
    const visibleTransfer = async (request: FastifyRequest, id: string) => {
      const row = await getTransfer(ctx.db, id);
      const permission = permissionFor(row.direction, row.resource);
      if (!permission) throw new NotFoundError("TRANSFER_NOT_FOUND", `No transfer ${id}.`);
      requirePermission(request, permission);
      return row;
    };

    /** Queues the job of a transfer just written; a transfer whose job cannot be queued is failed. */
    const queue = async (id: string) => {
      try {
        await ctx.jobs.send(dataTransferJob, { transferId: id });
      } catch (error) {
        await failTransfer(ctx.db, id, new Error("The background job could not be queued: try again."));
        throw error;
      }
    };

    app.get(
      "/transfers",
      {
        config: { permission: "staff" },
        schema: {
          summary: "List imports and exports",
          description:
            "Newest first, `limit` per page; pass `nextCursor` as `cursor` for the next page. Lists the transfers the " +
            `caller may see. ${permissionsNote} Errors: 400 naming \`cursor\`.`,
          tags,
          querystring: TransferListQuerySchema,
          response: { 200: TransferListSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return listTransfers(ctx.db, {
          kinds: visibleKinds(request.staff?.permissions ?? new Set()),
          limit: request.query.limit,
          ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        });
      },
    );

    app.get(
      "/transfers/:id",
      {
        config: { permission: "staff" },
        schema: {
          summary: "Get an import or export",
          description:
            "Its status and progress (rows processed out of `total`, succeeded, failed), then its summary and links. " +
            `Poll it while \`status\` is queued or running. ${permissionsNote} Errors: 404 TRANSFER_NOT_FOUND.`,
          tags,
          params,
          response: { 200: TransferSchema, ...errors },
        },
      },
      async (request, reply) => {
        reply.header("cache-control", "no-store");
        return transferView(await visibleTransfer(request, request.params.id));
      },
    );

    app.get(
      "/transfers/:id/error-report",
      {
        config: { permission: "staff" },
        schema: {
          summary: "Download an import's error report",
          description:
            "CSV (UTF-8, header row) with one line per problem of a failed row: `row` (a CSV counts its header as " +
            "row 1; a JSON array counts objects from 1), `key` (the row's SKU), `field` (the column at fault; empty " +
            "when none), `message`. A row with two bad fields has two lines. " +
            `${permissionsNote} Errors: 404 TRANSFER_NOT_FOUND, 404 ERROR_REPORT_NOT_FOUND (no row failed, or not finished).`,
          tags,
          params,
          produces: ["text/csv"],
          response: { 200: Type.String({ description: "RFC 4180 CSV with a header row" }), ...errors },
        },
      },
      async (request, reply) => {
        const row = await visibleTransfer(request, request.params.id);
        const stored = row.errorReportKey ? await ctx.storage.stream(row.errorReportKey) : null;
        if (!stored)
          throw new NotFoundError(
            "ERROR_REPORT_NOT_FOUND",
            "This transfer has no error report: no row failed.",
          );
        const base = row.fileName.replace(/\.[^.]*$/, "") || row.resource;
        return attachment(reply, `${base}-errors.csv`)
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-length", String(stored.object.bytes))
          .header("cache-control", "private, no-store")
          .send(stored.body);
      },
    );

    app.get(
      "/transfers/:id/file",
      {
        config: { permission: "staff" },
        schema: {
          summary: "Download an export's file",
          description:
            "The exported CSV as an attachment (UTF-8, header row, CRLF line ends; money in minor units with a " +
            `currency column). ${permissionsNote} Errors: 404 TRANSFER_NOT_FOUND, 404 TRANSFER_FILE_NOT_FOUND (an ` +
            "import), 409 TRANSFER_NOT_FINISHED (the export is queued, running or failed).",
          tags,
          params,
          produces: ["text/csv"],
          response: {
            200: Type.String({ description: "RFC 4180 CSV with a header row" }),
            ...errors,
            409: ProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const row = await visibleTransfer(request, request.params.id);
        if (row.direction !== "export")
          throw new NotFoundError("TRANSFER_FILE_NOT_FOUND", "An import has no file to download.");
        if (row.status !== "succeeded" || !row.resultKey)
          throw new AppError(
            409,
            "TRANSFER_NOT_FINISHED",
            `The export is ${row.status}: its file is not ready.`,
          );
        const stored = await ctx.storage.stream(row.resultKey);
        if (!stored) throw new NotFoundError("TRANSFER_FILE_NOT_FOUND", "The file is missing from storage.");
        return attachment(reply, row.fileName)
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-length", String(stored.object.bytes))
          .header("cache-control", "private, no-store")
          .send(stored.body);
      },
    );

    app.post(
      "/transfers/exports",
      {
        config: { permission: "staff" },
        schema: {
          summary: "Start an export",
          description:
            "Queues a CSV export of products (one row per variant: SKU, name, status, price, stock), stock (per " +
            "variant and location), customers (e-mail, name, created, orders, amount spent) or orders (number, date, " +
            "e-mail, statuses, totals); money in minor units with a currency column. 202 with the transfer: poll " +
            `GET /transfers/{id}, then download its \`fileUrl\`. Audited. ${permissionsNote} Errors: 400 naming the field.`,
          tags,
          body: ExportBodySchema,
          response: { 202: TransferSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { resource, format } = request.body;
        requirePermission(request, transferPermissions.export[resource]);
        const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
        const row = await ctx.db.transaction(async (tx) => {
          const created = await createTransfer(tx, {
            direction: "export",
            resource,
            format,
            fileName: `${resource}-${stamp}.csv`,
            createdBy: request.staff?.userId ?? null,
          });
          await recordStaffAction(tx, request, {
            action: "transfer.export.start",
            targetType: "data_transfer",
            targetId: created.id,
            metadata: { resource, format },
          });
          return created;
        });
        await queue(row.id);
        reply.status(202).header("location", `/api/admin/transfers/${row.id}`);
        return transferView(row);
      },
    );

    await app.register(async (upload) => {
      // The file comes as the raw body; nothing else is parsed here (415 for other types).
      upload.removeAllContentTypeParsers();
      upload.addContentTypeParser(
        uploadTypes,
        { parseAs: "buffer", bodyLimit: uploadBytesMax },
        (_request, body, done) => done(null, body),
      );
      upload.post(
        "/transfers/imports",
        {
          config: { permission: "staff" },
          schema: {
            summary: "Start an import",
            description:
              "The body is the file itself: `Content-Type` text/csv (UTF-8, header row) or application/json (an array " +
              "of objects, or an object holding one); at most 50 MB (413 beyond), 415 for another type. Header " +
              "`x-file-name` (URL-encoded) names it. Products: one simple product per row, columns (or keys) `sku`, " +
              "`name`, `price` (a decimal in major units of `currency`, default USD) required; optional `currency`, " +
              "`special_price`, `compare_at_price`, `qty`, `weight_grams`, `category` (path: `A > B`, several with " +
              "`|`), `brand`, `image` (http(s) URLs), `description`, `short_description`, `slug`, `status`, " +
              "`meta_title`, `meta_description`, `popularity`, `attr:<code>`; matched by SKU (re-importing updates). " +
              "Stock: `sku` and `quantity` (units on hand, a count) required, `location` (a location code; default: " +
              "the default location); each change is a `correction` in the stock ledger. 202 with the transfer: poll " +
              "GET /transfers/{id}; failed rows are listed in its error report. Audited. " +
              `${permissionsNote} Errors: 400 naming \`file\` (empty, unreadable, no rows, a required column ` +
              "missing) or `format` (not the Content-Type's).",
            tags,
            consumes: uploadTypes,
            querystring: ImportQuerySchema,
            body: Type.Unsafe<Buffer>({ type: "string", format: "binary", description: "The file" }),
            response: { 202: TransferSchema, ...errors, 413: ProblemSchema, 415: ProblemSchema },
          },
          // Raw bytes: the schemas document the body and the query; both are checked below (a route
          // has one validator compiler, and the body is no JSON value).
          validatorCompiler: () => () => true,
        },
        async (request, reply) => {
          const query = checkImportQuery(request.query);
          const resource = query.resource;
          requirePermission(request, transferPermissions.import[resource]);
          const mediaType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
          const typed = transferFormats.find((f) => formatMediaTypes[f] === mediaType);
          if (!typed) throw new AppError(415, "UNSUPPORTED_MEDIA_TYPE", "Send text/csv or application/json.");
          const format = query.format ?? typed;
          if (format !== typed)
            throw new ValidationError([
              { field: "format", message: `is ${format} but the Content-Type is ${mediaType}` },
            ]);
          const body = request.body;
          if (!Buffer.isBuffer(body) || body.length === 0)
            throw new ValidationError([{ field: "file", message: "send the file as the request body" }]);
          const file = await parseTransferFile(body, format);
          const missing = requiredColumns[resource].filter((c) => !file.columns.includes(c));
          if (missing.length)
            throw new ValidationError([
              {
                field: "file",
                message: `lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (it has: ${file.columns.join(", ")})`,
              },
            ]);
          const fileName = uploadName(request, resource, format);
          const id = newTransferId();
          const sourceKey = transferKey(id, format === "csv" ? "source.csv" : "source.json");
          await ctx.storage.put(sourceKey, body, { contentType: formatMediaTypes[format] });
          const row = await ctx.db.transaction(async (tx) => {
            const created = await createTransfer(tx, {
              id,
              direction: "import",
              resource,
              format,
              fileName,
              sourceKey,
              total: file.records.length,
              createdBy: request.staff?.userId ?? null,
            });
            await recordStaffAction(tx, request, {
              action: "transfer.import.start",
              targetType: "data_transfer",
              targetId: id,
              metadata: { resource, format, fileName, bytes: body.length, rows: file.records.length },
            });
            return created;
          });
          await queue(id);
          reply.status(202).header("location", `/api/admin/transfers/${id}`);
          return transferView(row);
        },
      );
    });
  };
}
