import type { RepositoryState } from './repository.decider';

/**
 * What garbage collection may still take from a repository, decided on the repository as it is now, so that
 * nothing that changed since lifecycle's mark is lost:
 * - a manifest goes only if it exists, was pushed at or before `protectedAfter`, no tag names it, no index that
 *   stays lists it, and it is not a referrer whose subject stays (indexes before their children, referrers
 *   after their subjects: candidates are re-examined until nothing more can go);
 * - a blob goes only if it is linked, its link was made (or made again) at or before `protectedAfter`, and no
 *   manifest that stays references it.
 * A candidate that fails a check stays; a later collection looks at it again. ISO-8601 times compare as text.
 */
export const collectableGarbage = (
  state: Pick<RepositoryState, 'manifests' | 'tags' | 'parents' | 'blobs' | 'linkedAt'>,
  manifests: readonly string[],
  blobs: readonly string[],
  protectedAfter: string,
): { manifests: string[]; blobs: string[] } => {
  const tagged = new Set(state.tags.values());
  const candidates = [...new Set(manifests)].filter((digest) => {
    const manifest = state.manifests.get(digest);
    return manifest !== undefined && manifest.pushedAt <= protectedAfter && !tagged.has(digest);
  });
  const gone = new Set<string>();
  const stays = (digest: string) => state.manifests.has(digest) && !gone.has(digest);
  for (let progress = true; progress; ) {
    progress = false;
    for (const digest of candidates) {
      if (gone.has(digest)) continue;
      const listedByIndex = [...(state.parents.get(digest) ?? [])].some(stays);
      const subject = state.manifests.get(digest)!.subject;
      if (listedByIndex || (subject !== undefined && stays(subject))) continue;
      gone.add(digest);
      progress = true;
    }
  }
  const referenced = new Set<string>();
  for (const [digest, manifest] of state.manifests) if (!gone.has(digest)) for (const blob of manifest.blobs) referenced.add(blob);
  const unlinked = [...new Set(blobs)].filter((digest) => {
    const linkedAt = state.linkedAt.get(digest);
    return state.blobs.has(digest) && linkedAt !== undefined && linkedAt <= protectedAfter && !referenced.has(digest);
  });
  return { manifests: [...gone], blobs: unlinked };
};
