import { Injectable } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { SelectelTokenStreams, type Principal } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { selectelTokenDecider, type SelectelTokenCommand } from './selectel-token.decider';
import { selectelTokensProjection, type SelectelTokenDocument } from './selectel-tokens.projection';
import { hashTokenSecret, looksLikeTokenSecret } from './token-secret';
import type { TokenKind } from './selectel-token.decider';

type CommandInput = { [K in SelectelTokenCommand['type']]: { type: K; data: Extract<SelectelTokenCommand, { type: K }>['data'] } }[SelectelTokenCommand['type']];

/** The token aggregate's write path and its read model, shared by the v1, v2 and cluster handlers. */
@Injectable()
export class SelectelTokenRecords {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
  ) {}

  now(): string {
    return this.commands.now();
  }

  async run(tokenId: string, command: CommandInput, actor: Principal): Promise<void> {
    await this.commands.run(SelectelTokenStreams.token + tokenId, selectelTokenDecider, command, { actor, readModels: [selectelTokensProjection] });
  }

  get collection() {
    return this.projections.collection(selectelTokensProjection);
  }

  /** The token as its last command left it (a concurrent delete may have removed it since). */
  async current(tokenId: string): Promise<SelectelTokenDocument> {
    const doc = await this.collection.get(tokenId);
    if (!doc) throw new DomainError('IDENTITY.SELECTEL_TOKEN_NOT_FOUND', { tokenId });
    return doc;
  }

  /** A token of this kind in the actor's account; 404 for anything else, other accounts' tokens included. */
  async require(actor: Principal, tokenId: string, kind: TokenKind): Promise<SelectelTokenDocument> {
    const doc = await this.collection.get(tokenId);
    if (!doc || doc.kind !== kind || doc.accountId !== actor.accountId) throw new DomainError('IDENTITY.SELECTEL_TOKEN_NOT_FOUND', { tokenId });
    return doc;
  }

  /** The live v1 token with this secret in the actor's account: 400 for what cannot be a secret, else 404. */
  async requireV1(actor: Principal, secret: string): Promise<SelectelTokenDocument> {
    if (!looksLikeTokenSecret(secret)) throw new DomainError('IDENTITY.SELECTEL_TOKEN_MALFORMED');
    const [doc] = await this.collection.find({ where: [{ field: 'secretHash', op: 'eq', value: hashTokenSecret(secret) }], limit: 1 });
    if (!doc || doc.kind !== 'v1' || doc.revoked || doc.accountId !== actor.accountId) throw new DomainError('IDENTITY.SELECTEL_TOKEN_NOT_FOUND', { tokenId: secret });
    return doc;
  }
}
