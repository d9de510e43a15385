import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { OperationError, type OperationErrorKind, type RefusalReason } from '../domain/operation-error.js';
import { PROBLEM_TITLES, type Problem } from './schemas/problem-schema.js';

/** An error that answers with a given status and problem details. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly extra: { errors?: Problem['errors']; headers?: Record<string, string>; reason?: RefusalReason } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const KIND_STATUS: Record<OperationErrorKind, number> = {
  'not-found': 404,
  conflict: 409,
  invalid: 422,
  'precondition-failed': 412,
  forbidden: 403,
};

/** Sends problem details (RFC 9457) as `application/problem+json`. */
export function sendProblem(reply: FastifyReply, status: number, detail: string, extra: { errors?: Problem['errors']; reason?: RefusalReason } = {}): FastifyReply {
  const title = PROBLEM_TITLES[status] ?? 'Error';
  const problem: Problem = {
    type: `urn:custsync:problem:${extra.reason ?? title.toLowerCase().replaceAll(' ', '-')}`,
    title,
    status,
    detail,
    instance: reply.request.url.split('?')[0]!,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return reply.code(status).type('application/problem+json').send(problem);
}

/** One zod issue as the validator compiler reports it. */
interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: { keys?: string[] };
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function fieldOf(context: string, path: readonly string[]): string {
  let at = CONTEXT_NAMES[context] ?? context;
  for (const part of path) at += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  return at;
}

/** The fields a request got wrong, from zod's issues. */
function validationErrors(context: string, issues: readonly ValidationIssue[]): NonNullable<Problem['errors']> {
  return issues.flatMap((issue) => {
    const path = issue.instancePath.split('/').filter((p) => p !== '');
    if (issue.keyword === 'unrecognized_keys' && issue.params?.keys) {
      return issue.params.keys.map((key) => ({ field: fieldOf(context, [...path, key]), rule: 'unknown field: not part of the schema' }));
    }
    return [{ field: fieldOf(context, path), rule: issue.message ?? issue.keyword }];
  });
}

/** The server's error handler: every error becomes problem details; unexpected ones are logged and say no more than "internal error". */
export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = validationErrors(error.validationContext ?? 'body', error.validation);
    return sendProblem(reply, 400, errors.map((e) => `${e.field}: ${e.rule}`).join('; '), { errors });
  }
  if (error instanceof HttpProblem) {
    for (const [name, value] of Object.entries(error.extra.headers ?? {})) reply.header(name, value);
    return sendProblem(reply, error.status, error.message, { ...(error.extra.errors ? { errors: error.extra.errors } : {}), ...(error.extra.reason ? { reason: error.extra.reason } : {}) });
  }
  if (error instanceof OperationError) return sendProblem(reply, KIND_STATUS[error.kind], error.message, error.reason ? { reason: error.reason } : {});
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause.issues }, 'a response did not match its schema');
    return sendProblem(reply, 500, `internal error: the answer did not match the documented schema (request ${request.id})`);
  }
  const status = error.statusCode ?? 500;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, 413, `the body is larger than this endpoint takes (${request.routeOptions.bodyLimit ?? '?'} bytes)`);
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(reply, 415, `send JSON: Content-Type: application/json (got ${request.headers['content-type'] ?? 'none'})`);
  if (status === 429) return sendProblem(reply, 429, error.message);
  if (status >= 400 && status < 500) return sendProblem(reply, status, error.message);
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, 500, `internal error; the server log has the details under request id ${request.id}`);
}
