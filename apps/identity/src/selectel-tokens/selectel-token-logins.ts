import { Injectable } from '@nestjs/common';
import { SelectelTokenStreams, type Principal, type SelectelTokenScope } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { accountsProjection } from '../accounts/accounts.projection';
import { selectelTokenDecider } from './selectel-token.decider';
import { selectelTokensProjection, type SelectelTokenDocument } from './selectel-tokens.projection';
import { hashTokenSecret, looksLikeTokenSecret } from './token-secret';
import { LAST_USE_RESOLUTION_MS, tokenStatus } from './token-policy';

/** A Docker login with a Selectel token: the account it acts for, and the scope that narrows what access grants. */
export interface TokenLogin {
  principal: Principal;
  scope: SelectelTokenScope;
}

/** Docker logins with Selectel tokens (user `token`, the secret as password). */
@Injectable()
export class SelectelTokenLogins {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
  ) {}

  /**
   * The token's login, or null for unknown, revoked, expired and deleted tokens and tokens of deleted accounts.
   * The token stands for its account: as its administrator, narrowed to the token's scope by the caller.
   */
  async login(secret: string): Promise<TokenLogin | null> {
    if (!looksLikeTokenSecret(secret)) return null;
    const [token] = await this.projections
      .collection(selectelTokensProjection)
      .find({ where: [{ field: 'secretHash', op: 'eq', value: hashTokenSecret(secret) }], limit: 1 });
    const now = this.commands.now();
    if (!token || tokenStatus(token, now) !== 'active') return null;
    const [account] = await this.projections.collection(accountsProjection).find({ where: [{ field: 'accountId', op: 'eq', value: token.accountId }], limit: 1 });
    if (!account) return null;
    const principal: Principal = {
      accountId: account.accountId,
      accountName: account.name,
      userId: `token:${token.id}`,
      userName: 'token',
      accountAdmin: true,
      systemAdmin: false,
      tokenId: token.id,
    };
    await this.recordUse(token, principal, now);
    return { principal, scope: { modeRW: token.modeRW, allRegistries: token.allRegistries, registryIds: token.registryIds } };
  }

  /** `lastUsedAt`, at most about once a minute per token (the decider drops closer uses that race past this check). */
  private async recordUse(token: SelectelTokenDocument, principal: Principal, now: string): Promise<void> {
    if (token.lastUsedAt !== null && Date.parse(now) - Date.parse(token.lastUsedAt) < LAST_USE_RESOLUTION_MS) return;
    await this.commands.run(
      SelectelTokenStreams.token + token.id,
      selectelTokenDecider,
      { type: 'RecordTokenUse', data: { tokenId: token.id } },
      { actor: principal, now, readModels: [selectelTokensProjection] },
    );
  }
}
