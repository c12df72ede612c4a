import { All, Controller, UseGuards } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { ApiRoutes } from '../openapi/dialects';
import { Returns } from '../openapi/responses';
import { SwrErrorBody } from './swr-errors';

const REPO = 'v2/manage/namespaces/:namespace/repos/:repository';

/**
 * Triggers, retention policies and sync tasks belong to the lifecycle service, which does not serve them yet.
 * Their routes exist so clients get a clear 501 in SWR's error format (after authentication) rather than a
 * gateway 404 or a fake success.
 */
@Controller()
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'SWR: triggers, retention, sync (not implemented)')
export class SwrLifecycleController {
  @All([
    'v2/manage/regions',
    `${REPO}/sync_repo`,
    `${REPO}/sync_images`,
    `${REPO}/sync_job`,
    `${REPO}/triggers`,
    `${REPO}/triggers/:trigger`,
    `${REPO}/retentions`,
    `${REPO}/retentions/histories`,
    `${REPO}/retentions/:retention`,
  ])
  @Returns(501, SwrErrorBody, { description: 'Not implemented yet: SVCSTG.SWR.5010000 for every method, after authentication' })
  notImplemented(): never {
    throw new DomainError('PLATFORM.NOT_IMPLEMENTED', {}, 'Triggers, retention policies and image synchronization are not implemented yet');
  }
}
