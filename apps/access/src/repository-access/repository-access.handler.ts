import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { AccessRpc } from '@wharf/contracts/access';
import { splitRepositoryName } from '@wharf/oci';
import { ProjectionHost } from '@wharf/platform';
import { SchemaPipe } from '@wharf/transport';
import { namespaceOwnersProjection } from './namespace-owners.projection';
import { allowedActions } from './repository-access';

const { authorize } = AccessRpc;

@Controller()
export class RepositoryAccessHandler {
  constructor(private readonly projections: ProjectionHost) {}

  @MessagePattern(authorize.subject)
  async authorize(@Payload(new SchemaPipe(authorize.request)) { principal, requests }: typeof authorize.request._output) {
    const owners = this.projections.collection(namespaceOwnersProjection);
    const granted = await Promise.all(
      requests.map(async ({ repository, actions }) => {
        const namespace = splitRepositoryName(repository)?.namespace;
        const owner = namespace ? await owners.get(namespace) : null;
        const allowed = allowedActions(principal, owner);
        return { repository, actions: actions.filter((action) => allowed.includes(action)) };
      }),
    );
    return { granted } satisfies RpcReply<typeof authorize>;
  }
}
