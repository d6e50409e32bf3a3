import { type TSchema, Type } from "typebox";

/** `schema` or null (null first: the validator's coercion would turn a JSON null into "" or 0). */
const nullable = <T extends TSchema>(schema: T, description: string) =>
  Type.Union([Type.Null(), schema], { description });

/** What an import may bring in. */
export const ImportResourceSchema = Type.Union([Type.Literal("products"), Type.Literal("stock")], {
  description:
    "products: one simple product per row (needs catalog:write); stock: units on hand per SKU and location (needs inventory:write)",
});

/** What an export may write out. */
export const ExportResourceSchema = Type.Union(
  [Type.Literal("products"), Type.Literal("stock"), Type.Literal("customers"), Type.Literal("orders")],
  {
    description:
      "products and stock need catalog:read, customers needs customers:read, orders needs orders:read",
  },
);

export const ImportQuerySchema = Type.Object(
  {
    resource: ImportResourceSchema,
    format: Type.Optional(
      Type.Union([Type.Literal("csv"), Type.Literal("json")], {
        description: "csv or json; defaults to the one the Content-Type names",
      }),
    ),
  },
  { additionalProperties: false },
);

export const ExportBodySchema = Type.Object(
  {
    resource: ExportResourceSchema,
    format: Type.Literal("csv", { description: "Exports are CSV (UTF-8, header row, CRLF line ends)" }),
  },
  { additionalProperties: false },
);

/** An import or export as staff follow it. Counts are rows; timestamps ISO 8601 UTC. */
export const TransferSchema = Type.Object({
  id: Type.String({ description: "dtr_<ULID>" }),
  direction: Type.Union([Type.Literal("import"), Type.Literal("export")]),
  resource: Type.String({ description: "products, stock, customers or orders" }),
  format: Type.String({ description: "csv or json" }),
  status: Type.Union(
    [Type.Literal("queued"), Type.Literal("running"), Type.Literal("succeeded"), Type.Literal("failed")],
    {
      description:
        "queued: waiting for a worker; running; succeeded (an import may still have failed rows: see `failed`); failed: the whole transfer stopped (see `error`)",
    },
  ),
  fileName: Type.String({
    description: "The uploaded file's name (imports) or the file to download (exports)",
  }),
  total: nullable(
    Type.Integer({ minimum: 0 }),
    "Rows to process; null while unknown (exports count as they go)",
  ),
  processed: Type.Integer({ minimum: 0, description: "Rows done so far" }),
  succeeded: Type.Integer({ minimum: 0, description: "Rows imported or exported" }),
  failed: Type.Integer({ minimum: 0, description: "Rows that failed (listed in the error report)" }),
  summary: Type.Record(Type.String(), Type.Integer(), {
    description:
      "Outcome by kind once finished: imports `created`, `updated`, `unchanged`, `failed`; exports `rows`",
  }),
  error: nullable(Type.String(), "Why the whole transfer failed (not a row's error)"),
  errorReportUrl: nullable(
    Type.String(),
    "CSV of the failed rows (row, key, field, message), once an import with failed rows finished",
  ),
  fileUrl: nullable(Type.String(), "The exported CSV, once an export succeeded"),
  createdBy: nullable(Type.String(), "The staff member who started it"),
  createdAt: Type.String({ format: "date-time" }),
  startedAt: nullable(Type.String({ format: "date-time" }), "When a worker began it (the latest attempt)"),
  finishedAt: nullable(Type.String({ format: "date-time" }), "When it succeeded or failed"),
});

export const TransferListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Transfers per page" }),
    cursor: Type.Optional(Type.String({ maxLength: 120, description: "nextCursor of the previous page" })),
  },
  { additionalProperties: false },
);

export const TransferListSchema = Type.Object({
  items: Type.Array(TransferSchema),
  nextCursor: nullable(Type.String(), "Pass as `cursor` for the next page; null on the last"),
  total: Type.Integer({ description: "Transfers the caller may see (counted up to 10,001)" }),
});
