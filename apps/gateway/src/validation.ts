import { DomainError } from '@wharf/contracts';
import type { z } from 'zod';

/** How a route refuses input its schema rejects: the first issue becomes an error its dialect renders. */
export type InvalidInput = (issue: z.ZodIssue) => Error;

/** The domain's VALIDATION_FAILED naming the field: every dialect renders it as its own 400. */
export const invalidInput: InvalidInput = (issue) => new DomainError('PLATFORM.VALIDATION_FAILED', { path: issue.path.join('.'), reason: issue.message });

/** Parses request input against the gateway's wire schema; a mismatch is the error `invalid` makes of its first issue. */
export const parseInput = <S extends z.ZodTypeAny>(schema: S, value: unknown, invalid: InvalidInput = invalidInput): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<S>;
  throw invalid(result.error.issues[0] ?? { code: 'custom', path: [], message: 'invalid' });
};
