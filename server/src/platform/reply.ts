import type { FastifyReply } from "fastify";

/**
 * Sends an already serialised JSON body as is (bypassing the response serialiser), as the response
 * cache stores bodies serialised once.
 */
export function sendJson(
  reply: { type(t: string): unknown; send(payload?: unknown): unknown },
  json: string,
): FastifyReply {
  reply.type("application/json; charset=utf-8");
  return reply.send(json) as FastifyReply;
}
