import { z } from 'zod';

/** One field a request got wrong, and the rule it broke. */
export const fieldErrorSchema = z.object({
  /** Where: `body.addresses[0].type`, `query.limit`, `path.id`, `header.if-match`. */
  field: z.string(),
  rule: z.string(),
});

/** An error answer (RFC 9457 problem details). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

/** Error responses as a route's `response` map documents them: `application/problem+json`. */
export function problemResponses<const S extends readonly number[]>(...statuses: S): Record<S[number], { description: string; content: { 'application/problem+json': { schema: typeof problemSchema } } }> {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: PROBLEM_TITLES[status] ?? 'Error', content: { 'application/problem+json': { schema: problemSchema } } }]),
  ) as never;
}

/** The title of each status an answer can have. */
export const PROBLEM_TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};
