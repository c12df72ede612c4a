import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { AccessRpc } from '@wharf/contracts/access';
import { splitRepositoryName } from '@wharf/oci';
import { SchemaPipe } from '@wharf/transport';
import { PermissionLevels } from '../permissions/permission-levels';
import { actionsOf } from './repository-access';

const { authorize } = AccessRpc;

@Controller()
export class RepositoryAccessHandler {
  constructor(private readonly levels: PermissionLevels) {}

  @MessagePattern(authorize.subject)
  async authorize(@Payload(new SchemaPipe(authorize.request)) { principal, requests }: typeof authorize.request._output) {
    // Names without a namespace get a target no organization matches, so they resolve to nothing.
    const targets = requests.map(({ repository }) => ({ kind: 'repository' as const, namespace: splitRepositoryName(repository)?.namespace ?? '', repository }));
    const levels = await this.levels.levelsOn(principal, targets);
    const granted = requests.map(({ repository, actions }, i) => {
      const allowed = actionsOf(levels[i] ?? null);
      return { repository, actions: actions.filter((action) => allowed.includes(action)) };
    });
    return { granted } satisfies RpcReply<typeof authorize>;
  }
}
