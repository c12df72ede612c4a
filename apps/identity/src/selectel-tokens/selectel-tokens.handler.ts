import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RpcReply } from '@wharf/contracts';
import { SelectelTokenRpc } from '@wharf/contracts/identity';
import type { Filter } from '@wharf/read-model';
import { SchemaPipe } from '@wharf/transport';
import { KnownRegistries } from './known-registries';
import { SelectelTokenRecords } from './selectel-token-records';
import { hashTokenSecret, newTokenSecret } from './token-secret';
import { tokenView } from './token-view';

const rpc = SelectelTokenRpc;
type In<K extends keyof typeof rpc> = (typeof rpc)[K]['request']['_output'];

const SORT_FIELDS = { name: 'name', createdAt: 'createdAt', lastUsedAt: 'lastUsedAt', expiresAt: 'expiresAtSort' } as const;

/** Selectel v2 tokens: named, scoped, optionally expiring; the secret is shown on create and regenerate only. */
@Controller()
export class SelectelTokensHandler {
  constructor(
    private readonly tokens: SelectelTokenRecords,
    private readonly registries: KnownRegistries,
  ) {}

  private async view(tokenId: string) {
    return tokenView(await this.tokens.current(tokenId), this.tokens.now());
  }

  @MessagePattern(rpc.create.subject)
  async create(@Payload(new SchemaPipe(rpc.create.request)) { actor, name, expiration, scope }: In<'create'>) {
    const tokenId = randomUUID();
    const secret = newTokenSecret();
    const accountRegistryIds = await this.registries.ownedBy(actor.accountId, scope.allRegistries ? [] : scope.registryIds);
    const data = { tokenId, actor, kind: 'v2' as const, secretHash: hashTokenSecret(secret), expiration, scope, accountRegistryIds, createdBy: actor.userId };
    await this.tokens.run(tokenId, { type: 'IssueToken', data: name === undefined ? data : { ...data, name } }, actor);
    return { token: await this.view(tokenId), secret } satisfies RpcReply<typeof rpc.create>;
  }

  @MessagePattern(rpc.list.subject)
  async list(@Payload(new SchemaPipe(rpc.list.request)) { actor, limit, offset, sortField, sortType, search, scopeMode }: In<'list'>) {
    const where: Filter[] = [
      { field: 'accountId', op: 'eq', value: actor.accountId },
      { field: 'kind', op: 'eq', value: 'v2' },
      ...(search ? [{ field: 'name', op: 'contains' as const, value: search }] : []),
      ...(scopeMode ? [{ field: 'modeRW', op: 'eq' as const, value: scopeMode === 'rw' }] : []),
    ];
    const [docs, totalCount] = await Promise.all([
      this.tokens.collection.find({ where, sort: [{ field: SORT_FIELDS[sortField], direction: sortType }], offset, limit }),
      this.tokens.collection.count(where),
    ]);
    const now = this.tokens.now();
    return { tokens: docs.map((doc) => tokenView(doc, now)), totalCount } satisfies RpcReply<typeof rpc.list>;
  }

  @MessagePattern(rpc.get.subject)
  async get(@Payload(new SchemaPipe(rpc.get.request)) { actor, tokenId }: In<'get'>) {
    return { token: tokenView(await this.tokens.require(actor, tokenId, 'v2'), this.tokens.now()) } satisfies RpcReply<typeof rpc.get>;
  }

  @MessagePattern(rpc.update.subject)
  async update(@Payload(new SchemaPipe(rpc.update.request)) { actor, tokenId, name, scope, expiration }: In<'update'>) {
    const accountRegistryIds = scope && !scope.allRegistries ? await this.registries.ownedBy(actor.accountId, scope.registryIds) : [];
    const changes = { ...(name !== undefined ? { name } : {}), ...(scope !== undefined ? { scope } : {}), ...(expiration !== undefined ? { expiration } : {}) };
    await this.tokens.run(tokenId, { type: 'UpdateToken', data: { tokenId, actor, accountRegistryIds, ...changes } }, actor);
    return { token: await this.view(tokenId) } satisfies RpcReply<typeof rpc.update>;
  }

  @MessagePattern(rpc.refresh.subject)
  async refresh(@Payload(new SchemaPipe(rpc.refresh.request)) { actor, tokenId, expiration }: In<'refresh'>) {
    await this.tokens.run(tokenId, { type: 'RefreshToken', data: { tokenId, actor, expiration } }, actor);
    return { token: await this.view(tokenId) } satisfies RpcReply<typeof rpc.refresh>;
  }

  @MessagePattern(rpc.regenerate.subject)
  async regenerate(@Payload(new SchemaPipe(rpc.regenerate.request)) { actor, tokenId, expiration }: In<'regenerate'>) {
    const secret = newTokenSecret();
    await this.tokens.run(tokenId, { type: 'RegenerateToken', data: { tokenId, actor, expiration, secretHash: hashTokenSecret(secret) } }, actor);
    return { token: await this.view(tokenId), secret } satisfies RpcReply<typeof rpc.regenerate>;
  }

  @MessagePattern(rpc.revoke.subject)
  async revoke(@Payload(new SchemaPipe(rpc.revoke.request)) { actor, tokenId }: In<'revoke'>) {
    await this.tokens.run(tokenId, { type: 'RevokeToken', data: { tokenId, actor, via: 'v2' } }, actor);
    return { token: await this.view(tokenId) } satisfies RpcReply<typeof rpc.revoke>;
  }

  @MessagePattern(rpc.delete.subject)
  async delete(@Payload(new SchemaPipe(rpc.delete.request)) { actor, tokenId }: In<'delete'>) {
    await this.tokens.run(tokenId, { type: 'DeleteToken', data: { tokenId, actor, via: 'v2' } }, actor);
    return { deleted: true } satisfies RpcReply<typeof rpc.delete>;
  }
}
