import { Catch, HttpException, Logger, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { closeAfterAnswer } from '@wharf/platform';
import type { Request, Response } from 'express';
import { BodyTooLargeError } from '../json-bodies';
import { keystoneDialect } from '../keystone/keystone-errors';
import { selectelDialect, selectelError, SelectelInputError } from '../selectel/selectel-errors';
import { swrDialect, swrError, SwrInputError } from '../swr/swr-errors';
import type { ErrorDialect } from './dialect';

/**
 * The dialect that owns a path: Keystone/IAM for `/v3/` and `/v3.0/` (except SWR's own v3 lists under
 * `/v3/manage/`), Selectel for `/api/`, SWR for the rest.
 */
export const dialectFor = (path: string): ErrorDialect => {
  if (/^\/v3(\.0)?\//.test(path) && !path.startsWith('/v3/manage/')) return keystoneDialect;
  if (path.startsWith('/api/')) return selectelDialect;
  return swrDialect;
};

/** Renders every error in the dialect of the route it happened on; unexpected errors are logged, never shown. */
@Catch()
export class DialectErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const dialect = dialectFor(request.path);
    const rendering = (() => {
      if (error instanceof DomainError) return dialect.domain(error);
      if (error instanceof SwrInputError) return swrError(error.errorCode, error.message, error.detail);
      if (error instanceof SelectelInputError) return selectelError(error.status, error.message);
      if (error instanceof NotFoundException) return dialect.routeNotFound(request.method, request.path);
      if (error instanceof HttpException && error.getStatus() < 500) return dialect.malformedRequest(error.getStatus(), error.message);
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return dialect.domain(new DomainError('PLATFORM.INTERNAL'));
    })();
    if (response.headersSent) return;
    // The rest of an over-limit body is never read, so the connection ends with this answer.
    const tooLarge = error instanceof BodyTooLargeError;
    if (tooLarge) closeAfterAnswer(request.socket);
    const connection = tooLarge ? { Connection: 'close' } : {};
    response
      .status(rendering.status)
      .set({ ...rendering.headers, ...connection })
      .json(rendering.body);
  }
}
