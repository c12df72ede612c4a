import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DomainError, type RpcReply } from '@wharf/contracts';
import { AccessRpc, RepositoryAction } from '@wharf/contracts/access';
import { IdentityRpc, type Principal, type SelectelTokenScope } from '@wharf/contracts/identity';
import { CLOCK, SERVICE_CLIENT, type Clock } from '@wharf/platform';
import { signRegistryToken, TOKEN_ISSUER, type AccessEntry } from '@wharf/registry-token';
import { SchemaPipe, type ServiceClient } from '@wharf/transport';
import { LoginFailures } from '../sessions/login-failures';
import { KnownRegistries } from '../selectel-tokens/known-registries';
import { namespaceOf, narrowToScope } from '../selectel-tokens/token-scope';
import { Credentials } from '../users/credentials';
import { SigningKeys } from './signing-keys';
import { REGISTRY_TOKEN_TTL_SECONDS } from './token-lifetime';

const { issueRegistryToken, listSigningKeys } = IdentityRpc;


const isRepositoryAction = (action: string): action is RepositoryAction => RepositoryAction.safeParse(action).success;

@Controller()
export class RegistryTokensHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CLIENT) private readonly services: ServiceClient,
    private readonly credentials: Credentials,
    private readonly keys: SigningKeys,
    private readonly registries: KnownRegistries,
    private readonly failures: LoginFailures,
  ) {}

  /**
   * The Docker token endpoint's work: authenticate the Basic credentials (or take the caller as anonymous),
   * ask access which requested actions are allowed, and sign exactly those. Denied actions are left out,
   * not refused: the registry then answers the request that needed them.
   */
  @MessagePattern(issueRegistryToken.subject)
  async issue(@Payload(new SchemaPipe(issueRegistryToken.request)) { credentials, service, scopes, clientAddress }: typeof issueRegistryToken.request._output) {
    let principal: Principal | null = null;
    let tokenScope: SelectelTokenScope | undefined;
    if (credentials) {
      const login = await this.credentials.dockerLogin(credentials.username, credentials.password, clientAddress);
      if (!login) {
        await this.failures.registry(credentials.username, clientAddress);
        throw new DomainError('IDENTITY.INVALID_CREDENTIALS');
      }
      ({ principal, scope: tokenScope } = login);
    }
    const access = await this.grant(principal, scopes, tokenScope);
    const now = this.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    const token = signRegistryToken(
      {
        iss: TOKEN_ISSUER,
        sub: principal?.userName ?? '',
        aud: service,
        iat,
        issuedAtMs: now.getTime(),
        nbf: iat,
        exp: iat + REGISTRY_TOKEN_TTL_SECONDS,
        jti: randomUUID(),
        access,
        ...(principal
          ? {
              wharf: {
                accountId: principal.accountId,
                accountName: principal.accountName,
                userId: principal.userId,
                userName: principal.userName,
                accountAdmin: principal.accountAdmin,
                systemAdmin: principal.systemAdmin,
                ...(principal.tokenId !== undefined ? { tokenId: principal.tokenId } : {}),
              },
            }
          : {}),
      },
      await this.keys.signingKey(),
    );
    return { token, expiresIn: REGISTRY_TOKEN_TTL_SECONDS, issuedAt: now.toISOString() } satisfies RpcReply<typeof issueRegistryToken>;
  }

  @MessagePattern(listSigningKeys.subject)
  async listKeys() {
    const keys = (await this.keys.published()).map(({ kid, publicKeyPem }) => ({ kid, publicKeyPem }));
    return { keys } satisfies RpcReply<typeof listSigningKeys>;
  }

  /** What access allows the principal, narrowed to a Selectel token's scope when a token logged in. */
  private async grant(principal: Principal | null, scopes: AccessEntry[], tokenScope?: SelectelTokenScope): Promise<AccessEntry[]> {
    const repositories = scopes.filter((scope) => scope.type === 'repository');
    const requests = repositories.map(({ name, actions }) => ({
      repository: name,
      // `*` asks for everything a repository allows.
      actions: [...new Set(actions.flatMap((action) => (action === '*' ? ['pull', 'push', 'delete'] : [action])).filter(isRepositoryAction))],
    }));
    let { granted } =
      requests.length > 0 ? await this.services.call(AccessRpc.authorize, { principal, requests }) : { granted: [] as { repository: string; actions: RepositoryAction[] }[] };
    if (tokenScope) {
      const registryIds = tokenScope.allRegistries ? new Map<string, string>() : await this.registries.registryIdsOf(granted.flatMap(({ repository }) => namespaceOf(repository) ?? []));
      granted = narrowToScope(granted, tokenScope, (namespace) => registryIds.get(namespace));
    }
    // Refused scopes stay in the token with no actions, so the registry can tell "asked and refused" (403)
    // from "not asked yet" (401 with a challenge).
    const access: AccessEntry[] = granted.map((entry) => ({ type: 'repository', name: entry.repository, actions: entry.actions }));
    // Listing the catalog is open to every authenticated caller, asked for or not (podman search asks for no
    // scope); the registry filters the list per repository. A token limited to some registries gets no listing:
    // the registry filters it by the account, not the token.
    if (principal && (!tokenScope || tokenScope.allRegistries)) {
      access.push({ type: 'registry', name: 'catalog', actions: ['*'] });
    }
    return access;
  }
}
