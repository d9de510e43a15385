import type { z } from 'zod';

/**
 * An `A or B` setting that matches neither is one zod issue, "Invalid input", with each
 * branch's issues inside. When every branch but one failed on the value's type alone
 * (an object given where a string is one choice), that branch is what was meant: its
 * issues, under the setting's path, say what is wrong.
 */
export function unionBranchIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
  const meant = issue.errors.filter((branch) => !(branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0].path.length === 0));
  if (meant.length !== 1) return [issue];
  return meant[0]!.flatMap((inner) => unionBranchIssues({ ...inner, path: [...issue.path, ...inner.path] }));
}
