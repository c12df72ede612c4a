import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import type { z } from 'zod';

/** Validates a message payload against its contract schema; the handler receives the parsed value. */
@Injectable()
export class SchemaPipe<S extends z.ZodTypeAny> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data as z.output<S>;
    const issue = result.error.issues[0];
    throw new DomainError('PLATFORM.VALIDATION_FAILED', {
      path: issue ? issue.path.join('.') : '',
      reason: issue?.message ?? 'invalid',
    });
  }
}
