import type { RepositoryAccess } from '@wharf/contracts/access';
import type { SelectelTokenScope } from '@wharf/contracts/identity';

/** The namespace (Selectel registry) of a repository name: its first path component. */
export const namespaceOf = (repository: string): string | null => {
  const slash = repository.indexOf('/');
  return slash > 0 ? repository.slice(0, slash) : null;
};

/**
 * What a token may do out of what access grants its account: pull only unless `modeRW`, and nothing outside the
 * listed registries unless `allRegistries`. It only ever removes actions.
 */
export const narrowToScope = (
  granted: readonly RepositoryAccess[],
  scope: SelectelTokenScope,
  registryIdOf: (namespace: string) => string | undefined,
): RepositoryAccess[] =>
  granted.map(({ repository, actions }) => {
    const namespace = namespaceOf(repository);
    const registryId = namespace === null ? undefined : registryIdOf(namespace);
    const inScope = scope.allRegistries || (registryId !== undefined && scope.registryIds.includes(registryId));
    return { repository, actions: inScope ? actions.filter((action) => scope.modeRW || action === 'pull') : [] };
  });
