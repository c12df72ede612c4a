import type { RegistryTokenClaims } from '@wharf/registry-token';
import { RevocationIds, type RevocationDocument } from './revocations.projection';

/**
 * When identity signed the token, in milliseconds. A token signed before `issuedAtMs` existed counts as signed at
 * the start of its second, so a revocation within that second refuses it.
 */
const issuedAtMsOf = (claims: RegistryTokenClaims): number => claims.issuedAtMs ?? claims.iat * 1000;

const namespaceOf = (repository: string): string => repository.slice(0, Math.max(0, repository.indexOf('/')));

type TokenPrincipal = RegistryTokenClaims['wharf'];

/**
 * What can take a repository away from a token: for anyone, anonymous callers included, the repository ceasing to be
 * public, being deleted, or its organization being deleted or created (names are reused, across accounts too); and
 * for a principal a grant on the repository or its organization, or its account's share of it.
 */
const repositoryRevocationIds = (principal: TokenPrincipal, repository: string): string[] => [
  RevocationIds.publicAccess(repository),
  RevocationIds.repository(repository),
  RevocationIds.namespace(namespaceOf(repository)),
  ...(principal
    ? [RevocationIds.grant(principal.userId, repository), RevocationIds.grant(principal.userId, namespaceOf(repository)), RevocationIds.share(principal.accountId, repository)]
    : []),
];

const repositoriesOf = (claims: RegistryTokenClaims): string[] => claims.access.filter((entry) => entry.type === 'repository').map((entry) => entry.name);

/** The revocation documents that can take something away from these claims. */
export const revocationIdsFor = (claims: RegistryTokenClaims): string[] => {
  const principal = claims.wharf;
  return [
    ...new Set([
      ...(principal ? [RevocationIds.principal(principal.userId)] : []),
      ...repositoriesOf(claims).flatMap((repository) => repositoryRevocationIds(principal, repository)),
    ]),
  ];
};

/**
 * The claims with what was revoked after they were issued taken out: nothing at all when the principal was
 * deleted, disabled or its token revoked; the repository's entry when a grant or share on it was revoked or
 * changed or it stopped being public, so the registry challenges and the client fetches a token with what is
 * allowed now.
 */
export const withoutRevoked = (claims: RegistryTokenClaims, revocations: ReadonlyMap<string, RevocationDocument>): RegistryTokenClaims | null => {
  const principal = claims.wharf;
  const issuedAt = issuedAtMsOf(claims);
  const revoked = (id: string) => {
    const doc = revocations.get(id);
    return doc !== undefined && Date.parse(doc.revokedAt) >= issuedAt;
  };
  if (principal && revoked(RevocationIds.principal(principal.userId))) return null;
  const access = claims.access.filter((entry) => entry.type !== 'repository' || !repositoryRevocationIds(principal, entry.name).some(revoked));
  return { ...claims, access };
};

/** Reads the revocation documents by id, once the view has caught up with every event written so far. */
export interface RevocationReader {
  current(ids: readonly string[]): Promise<ReadonlyMap<string, RevocationDocument>>;
}
