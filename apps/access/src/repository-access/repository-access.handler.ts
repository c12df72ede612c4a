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
    const granted = await Promise.all(
      requests.map(async ({ repository, actions }) => {
        const namespace = splitRepositoryName(repository)?.namespace;
        const level = namespace ? await this.levels.levelOn(principal, { kind: 'repository', namespace, repository }) : null;
        const allowed = actionsOf(level);
        return { repository, actions: actions.filter((action) => allowed.includes(action)) };
      }),
    );
    return { granted } satisfies RpcReply<typeof authorize>;
  }
}
