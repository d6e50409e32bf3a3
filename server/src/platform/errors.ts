import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/** One field-level problem inside a validation error. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An error the API answers as RFC 9457 problem+json. `code` is stable (clients branch on it);
 * `status` is the HTTP status; `errors` lists field-level problems for validation failures.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], message = errors.map((e) => `${e.field}: ${e.message}`).join("; ")) {
    super(400, "VALIDATION_FAILED", message, errors);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Body of a problem+json response (RFC 9457 plus `code` and `errors`). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
}

function problemType(code: string): string {
  return `https://bazaar.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;
}

/** Turns Ajv errors from Fastify's schema validation into field errors named as the client sent them. */
function fieldErrorsOf(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? "body";
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    let field = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
    if (typeof params.missingProperty === "string")
      field = field ? `${field}.${params.missingProperty}` : params.missingProperty;
    if (typeof params.additionalProperty === "string") {
      field = field ? `${field}.${params.additionalProperty}` : params.additionalProperty;
    }
    return { field: field || context, message: v.message ?? "is invalid" };
  });
}

function pgCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  if (typeof e.cause?.code === "string" && /^[0-9A-Z]{5}$/.test(e.cause.code)) return e.cause.code;
  return undefined;
}

/**
 * PostgreSQL errors (SQLSTATE, PostgreSQL manual appendix A) that only a value from the request can
 * cause: numeric_value_out_of_range, invalid_text_representation, character_not_in_repertoire,
 * untranslatable_character, datetime_field_overflow, invalid_datetime_format. The edge rules
 * (platform/edge.ts) refuse such input first, naming the field; this is the net behind them.
 */
const invalidValueCodes = new Set(["22003", "22P02", "22021", "22P05", "22008", "22007"]);

/** One problem body (RFC 9457 plus `code` and `errors`). */
function problem(
  status: number,
  code: string,
  detail: string,
  instance: string | undefined,
  errors: FieldError[] = [],
): ProblemBody {
  return {
    type: problemType(code),
    title: titles[status] ?? "Error",
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(errors.length ? { errors } : {}),
  };
}

/** Maps any thrown value to a problem body; unknown errors become a 500 without internals. */
export function toProblem(error: unknown, instance?: string): ProblemBody {
  if (error instanceof AppError)
    return problem(error.status, error.code, error.message, instance, error.errors);
  const fe = error as FastifyError;
  if (fe?.validation) {
    const errors = fieldErrorsOf(fe);
    const detail = `Invalid ${fe.validationContext ?? "request"}: ${errors.map((e) => `${e.field} ${e.message}`).join("; ")}`;
    return problem(400, "VALIDATION_FAILED", detail, instance, errors);
  }
  const sql = pgCode(error);
  if (sql === "23505") return problem(409, "CONFLICT", "The resource already exists.", instance);
  if (sql === "40001" || sql === "40P01") {
    return problem(
      409,
      "CONCURRENT_UPDATE",
      "The resource was changed by a concurrent request; retry.",
      instance,
    );
  }
  if (sql && invalidValueCodes.has(sql)) {
    const detail = "A value in the request cannot be stored or compared (out of range or not valid text).";
    return problem(400, "INVALID_VALUE", detail, instance);
  }
  if (typeof fe?.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problem(
      fe.statusCode,
      (fe.code ?? "BAD_REQUEST").replace(/^FST_(ERR_)?/, ""),
      fe.message,
      instance,
    );
  }
  return problem(500, "INTERNAL", "An unexpected error occurred. It has been logged.", instance);
}

/** Fastify error handler answering every error as application/problem+json. */
export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body = toProblem(error, request.url);
  if (body.status >= 500) request.log.error({ err: error }, "request failed");
  else if (body.code === "INVALID_VALUE")
    request.log.warn({ err: error }, "a value passed validation that the database refused");
  else request.log.info({ code: body.code, status: body.status }, body.detail);
  void reply.status(body.status).type("application/problem+json").send(body);
}

/** Not-found handler for unknown API routes. */
export function problemNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const body = toProblem(
    new NotFoundError("ROUTE_NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}`),
    request.url,
  );
  void reply.status(404).type("application/problem+json").send(body);
}

/** Answers a request with a problem+json body right away (for hooks and guards that refuse a request). */
export function sendProblem(reply: FastifyReply, status: number, code: string, detail: string) {
  return reply
    .status(status)
    .type("application/problem+json")
    .send(toProblem(new AppError(status, code, detail)));
}

/**
 * Fastify `clientErrorHandler`: what Node's HTTP parser refuses before a request exists (headers or
 * URL over the header size limit: 431; a client too slow to send its request: 408; anything
 * unparsable: 400) is answered as problem+json too, then the connection is closed
 * (https://nodejs.org/api/http.html#event-clienterror).
 */
export function problemClientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, detail] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "HEADERS_TOO_LARGE", "The request line and headers exceed the size this server accepts."]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "REQUEST_TIMEOUT", "The request was not received in time."]
        : [400, "BAD_REQUEST", "The request could not be parsed as HTTP."];
  if (socket.writable) {
    const body = JSON.stringify(toProblem(new AppError(status, code, detail)));
    socket.write(
      `HTTP/1.1 ${status} ${titles[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
