/** A change to the grants on an organization or repository. */
export type GrantChange = 'grant' | 'update' | 'revoke';

export interface GranterLevels {
  /** The actor's level on the organization. */
  onNamespace: number | null;
  /** The actor's level on the target itself (for an organization, the same as `onNamespace`). */
  onTarget: number | null;
}

/**
 * Why the actor may not make the change, or null when it may. SWR's documents let a user grant image
 * permissions with edit (3) or more on the organization or manage (7) on the image, and say nothing more;
 * Wharf adds that nobody grants a level above their own on the target and that only manage changes or revokes
 * grants that exist. Organization permissions take manage on the organization for every change.
 */
export const grantRefusal = (
  change: GrantChange,
  kind: 'namespace' | 'repository',
  levels: GranterLevels,
  requested: readonly number[],
): string | null => {
  const own = levels.onTarget ?? 0;
  if (kind === 'namespace' || change !== 'grant') {
    return own === 7 ? null : `${change === 'grant' ? 'granting' : 'changing'} permissions here needs manage (7)`;
  }
  if ((levels.onNamespace ?? 0) < 3 && own !== 7) return 'granting image permissions needs edit (3) on the organization or manage (7) on the image';
  const above = requested.find((level) => level > own);
  return above === undefined ? null : `you cannot grant a level (${above}) above your own (${own})`;
};
