import { DomainError } from '@wharf/contracts';
import type { z } from 'zod';

/** Parses request input against the gateway's wire schema; a mismatch is a 400 naming the field. */
export const parseInput = <S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0];
  throw new DomainError('PLATFORM.VALIDATION_FAILED', { path: issue?.path.join('.') ?? '', reason: issue?.message ?? 'invalid' });
};
