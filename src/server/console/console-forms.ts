import { z } from 'zod';
import { HttpProblem } from '../problem-details.js';

/** A form field sent once or several times (checkboxes), as a list. */
export const repeated = <T extends z.ZodType>(item: T) => z.preprocess((v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(item));

/** A form's fields by `schema` (fields the page does not know are ignored, `_csrf` among them); 400 naming each problem. */
export function formOf<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new HttpProblem(400, `the form was not understood: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
  return parsed.data;
}

/** A page's query by `schema`; 400 naming each problem. */
export const queryOf = formOf;
