import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requestOrigin } from "../../platform/csrf.ts";
import { hostileInput } from "../../platform/edge.ts";
import { ValidationError } from "../../platform/errors.ts";
import { type Auth, requestOriginHeader } from "./customers.auth.ts";

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
};

/** Turns a Fastify request into the Web Request better-auth handles. */
function toWebRequest(request: FastifyRequest, baseUrl: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, String(value));
  }
  // The client address as Fastify resolved it (proxy-aware); a client-sent value is overwritten.
  headers.set("x-bazaar-client-ip", request.ip);
  headers.set(requestOriginHeader, requestOrigin(request));
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && Buffer.isBuffer(request.body);
  return new Request(new URL(request.url, baseUrl), {
    method: request.method,
    headers,
    ...(hasBody ? { body: new Uint8Array(request.body as Buffer) } : {}),
  });
}

/**
 * The edge rules (platform/edge.ts: no NUL characters, no numbers out of range) for the raw JSON or
 * form bodies passed through to better-auth, which Fastify does not parse here.
 * @throws ValidationError (400) naming the field.
 */
function rejectHostileRawBody(request: FastifyRequest): void {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) return;
  const type = String(request.headers["content-type"] ?? "");
  const text = request.body.toString("utf8");
  let parsed: unknown = null;
  if (type.includes("json")) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return; // better-auth answers malformed JSON itself
    }
  } else if (type.includes("x-www-form-urlencoded")) {
    parsed = Object.fromEntries(new URLSearchParams(text));
  } else if (text.includes("\u0000")) {
    parsed = text;
  }
  const problem = hostileInput(parsed, "body");
  if (problem) throw new ValidationError([problem]);
}

/** Sends better-auth's Response; its JSON errors become RFC 9457 problem+json with a stable code. */
async function sendWebResponse(response: Response, reply: FastifyReply): Promise<FastifyReply> {
  reply.status(response.status);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie" && name !== "content-length") reply.header(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) reply.header("set-cookie", cookies);
  const retryAfter = response.headers.get("x-retry-after");
  if (retryAfter) reply.header("retry-after", retryAfter);
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (response.status >= 400 && (response.headers.get("content-type") ?? "").includes("json") && body) {
    let parsed: { message?: string; code?: string } = {};
    try {
      parsed = JSON.parse(body.toString("utf8")) as typeof parsed;
    } catch {
      // not JSON after all: answered below with the status alone
    }
    const code = parsed.code ?? (response.status === 429 ? "RATE_LIMITED" : "AUTH_ERROR");
    return reply.type("application/problem+json").send({
      type: `https://bazaar.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`,
      title: titles[response.status] ?? "Error",
      status: response.status,
      detail: parsed.message ?? "The request was refused.",
      code,
    });
  }
  return reply.send(body);
}

/**
 * Mounts the authentication endpoints (better-auth) at `/api/auth/*`: sign-up/email,
 * sign-in/email, sign-out, get-session, send-verification-email, verify-email,
 * request-password-reset, reset-password, change-password, list-sessions, revoke-other-sessions, ...
 * Bodies are passed through raw (JSON or form). Rate-limited answers carry Retry-After (seconds).
 */
export function authRoutes(auth: Auth, baseUrl: string, providers: { id: string; name: string }[] = []) {
  return async (app: FastifyInstance) => {
    // Which social / single-sign-on buttons the sign-in page shows (POST /api/auth/sign-in/social {provider}).
    app.get(
      "/api/store/auth-providers",
      {
        schema: {
          summary: "Sign-in providers",
          description:
            "Social and OpenID Connect providers this shop accepts, for the sign-in page's buttons.",
          tags: ["account"],
          response: {
            200: {
              type: "object",
              properties: {
                items: {
                  type: "array",
                  items: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
                },
              },
            },
          },
        },
      },
      async () => ({ items: providers }),
    );
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: 64 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    app.route({
      method: ["GET", "POST"],
      url: "/api/auth/*",
      schema: { hide: true },
      handler: async (request, reply) => {
        rejectHostileRawBody(request);
        return sendWebResponse(await auth.handler(toWebRequest(request, baseUrl)), reply);
      },
    });
  };
}
