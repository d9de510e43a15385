import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimAnswer, releaseClaim, storeAnswer } from '../operations/customer-api/idempotent-answers.js';
import { canonicalJson } from '../merge/index.js';
import type { OperationDeps } from '../operations/operation-deps.js';
import { HttpProblem } from './problem-details.js';

/** An answer to send: what an idempotent request stores and replays. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** The header a client sends to make a POST safe to repeat. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * Answers a POST once per `Idempotency-Key` (per token): the first request is answered and its
 * answer stored; the same request again gets that answer (`Idempotent-Replayed: true`) without
 * writing; another request under the same key is refused (422), as is one while the first is
 * still being answered (409). Without the header the request is simply answered.
 */
export async function answerOnce(
  deps: Pick<OperationDeps, 'db'>,
  request: FastifyRequest,
  reply: FastifyReply,
  answer: () => Promise<Answer>,
): Promise<FastifyReply> {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return send(reply, await answer());
  if (typeof key !== 'string' || key.length < 1 || key.length > 200) {
    throw new HttpProblem(400, `${IDEMPOTENCY_HEADER}: give one key of 1 to 200 characters`, { errors: [{ field: `header.${IDEMPOTENCY_HEADER}`, rule: '1 to 200 characters' }] });
  }
  const token = request.apiToken!.name;
  const requestHash = createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
  const earlier = await claimAnswer(deps, token, key, requestHash);
  if (earlier) {
    if (earlier.requestHash !== requestHash) {
      throw new HttpProblem(422, `${IDEMPOTENCY_HEADER} "${key}" was used for another request; use a new key for a new request`, { reason: 'idempotency-key-reused' });
    }
    if (!earlier.answer) throw new HttpProblem(409, `the first request with ${IDEMPOTENCY_HEADER} "${key}" is still being answered; send it again in a moment`, { reason: 'request-in-progress' });
    reply.header('idempotent-replayed', 'true');
    return send(reply, earlier.answer);
  }
  let result: Answer;
  try {
    result = await answer();
  } catch (error) {
    await releaseClaim(deps, token, key);
    throw error;
  }
  await storeAnswer(deps, token, key, { status: result.status, headers: result.headers ?? {}, body: result.body });
  return send(reply, result);
}

function send(reply: FastifyReply, answer: Answer): FastifyReply {
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  return reply.code(answer.status).send(answer.body);
}
