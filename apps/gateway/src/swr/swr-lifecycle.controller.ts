import { All, Controller, UseGuards } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { ApiRoutes } from '../openapi/dialects';
import { Returns } from '../openapi/responses';
import { SwrErrorBody } from './swr-errors';

const REPO = 'v2/manage/namespaces/:namespace/repos/:repository';

/**
 * Triggers belong to the lifecycle service, which does not serve them yet. Their routes exist so clients get a
 * clear 501 in SWR's error format (after authentication) rather than a gateway 404 or a fake success.
 */
@Controller()
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: triggers (not implemented)')
export class SwrLifecycleController {
  @All([`${REPO}/triggers`, `${REPO}/triggers/:trigger`])
  @Returns(501, SwrErrorBody, { description: 'Not implemented yet: SVCSTG.SWR.5010000 for every method, after authentication' })
  notImplemented(): never {
    throw new DomainError('PLATFORM.NOT_IMPLEMENTED', {}, 'Triggers are not implemented yet');
  }
}
