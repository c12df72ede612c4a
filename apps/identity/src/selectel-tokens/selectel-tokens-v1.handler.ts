import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { SELECTEL_V1_TTL_SECONDS, SelectelV1TokenRpc } from '@wharf/contracts/identity';
import { SchemaPipe } from '@wharf/transport';
import { SelectelTokenRecords } from './selectel-token-records';
import type { SelectelTokenDocument } from './selectel-tokens.projection';
import { hashTokenSecret, newTokenSecret } from './token-secret';

const rpc = SelectelV1TokenRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

/** v1 tokens always expire (12 hours or a year after issue or refresh); one without an expiry is a broken invariant. */
const expiryOf = (doc: SelectelTokenDocument): string => {
  if (doc.expiresAt === null) throw new Error(`v1 token ${doc.id} has no expiry`);
  return doc.expiresAt;
};

/** Selectel v1 tokens: read-write on all the account's registries for 12 hours or a year, named by their secret. */
@Controller()
export class SelectelTokensV1Handler {
  constructor(private readonly tokens: SelectelTokenRecords) {}

  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, ttl }: In<'create'>) {
    const tokenId = randomUUID();
    const secret = newTokenSecret();
    const data = { tokenId, actor, secretHash: hashTokenSecret(secret), ttlSeconds: SELECTEL_V1_TTL_SECONDS[ttl], createdBy: actor.userId };
    await this.tokens.run(tokenId, { type: 'IssueV1Token', data }, actor);
    return { secret, expiresAt: expiryOf(await this.tokens.current(tokenId)) } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, secret }: In<'get'>) {
    const doc = await this.tokens.requireV1(actor, secret);
    return { expiresAt: expiryOf(doc) } satisfies RpcReply<typeof rpc.get>;
  }

  /** A new expiry, the token's lifetime from now; the secret stays. */
  @MessagePattern(rpc.refresh.subject)
  async refresh(@Payload(new SchemaPipe(rpc.refresh.request)) { actor, secret }: In<'refresh'>) {
    const { id: tokenId } = await this.tokens.requireV1(actor, secret);
    await this.tokens.run(tokenId, { type: 'RefreshV1Token', data: { tokenId, actor } }, actor);
    return { secret, expiresAt: expiryOf(await this.tokens.current(tokenId)) } satisfies RpcReply<typeof rpc.refresh>;
  }

  @MessagePattern(rpc.revoke.subject)
  async revoke(@Payload(new SchemaPipe(rpc.revoke.request)) { actor, secret }: In<'revoke'>) {
    const { id: tokenId } = await this.tokens.requireV1(actor, secret);
    await this.tokens.run(tokenId, { type: 'RevokeToken', data: { tokenId, actor, via: 'v1' } }, actor);
    return { revoked: true } satisfies RpcReply<typeof rpc.revoke>;
  }
}
