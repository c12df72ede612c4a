import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { DomainError, toErrorEnvelope } from '@wharf/contracts';
import { throwError, type Observable } from 'rxjs';

/**
 * Turns anything a message handler throws into an error envelope `{code, message, details}`. Domain errors
 * keep their code; anything else is logged here, with its stack, and crosses the transport as INTERNAL.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(error: unknown): Observable<never> {
    if (!(error instanceof DomainError)) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    return throwError(() => toErrorEnvelope(error));
  }
}
