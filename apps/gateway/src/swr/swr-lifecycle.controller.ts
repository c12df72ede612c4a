import { All, Controller, UseGuards } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { AuthenticatedGuard } from '../auth/authenticated.guard';

const REPO = 'v2/manage/namespaces/:namespace/repos/:repository';

/**
 * Retention policies and sync tasks belong to the lifecycle service, which does not serve them yet.
 * Their routes exist so clients get a clear 501 in SWR's error format (after authentication) rather than a
 * gateway 404 or a fake success.
 */
@Controller()
@UseGuards(AuthenticatedGuard)
export class SwrLifecycleController {
  @All([
    'v2/manage/regions',
    `${REPO}/sync_repo`,
    `${REPO}/sync_images`,
    `${REPO}/sync_job`,
    `${REPO}/retentions`,
    `${REPO}/retentions/histories`,
    `${REPO}/retentions/:retention`,
  ])
  notImplemented(): never {
    throw new DomainError('PLATFORM.NOT_IMPLEMENTED', {}, 'Retention policies and image synchronization are not implemented yet');
  }
}
