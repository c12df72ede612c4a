export type CleanupStep =
  /** Delete the image (manifest); `tags` are the tags naming it now, which go with it. */
  | { kind: 'delete-manifest'; digest: string; tags: string[] }
  /** Remove these tags, which name `digest`; the image stays. */
  | { kind: 'untag'; digest: string; tags: string[] }
  | { kind: 'fail'; digest?: string; tags: string[]; error: string };

/**
 * What a cleanup request does to a repository, from its manifests and their tags: each listed digest is an
 * image to delete (unknown ones fail), each listed tag that does not go with a deleted image is removed, grouped
 * by the image it names (unknown ones fail). Repeated items count once.
 */
export const planCleanup = (manifests: readonly { digest: string; tags: readonly string[] }[], digests: readonly string[], tags: readonly string[]): CleanupStep[] => {
  const byDigest = new Map(manifests.map((m) => [m.digest, m]));
  const byTag = new Map(manifests.flatMap((m) => m.tags.map((tag) => [tag, m.digest] as const)));
  const steps: CleanupStep[] = [];
  const goneWithImage = new Set<string>();
  for (const digest of new Set(digests)) {
    const manifest = byDigest.get(digest);
    if (!manifest) {
      steps.push({ kind: 'fail', digest, tags: [], error: 'Image not found' });
      continue;
    }
    steps.push({ kind: 'delete-manifest', digest, tags: [...manifest.tags] });
    for (const tag of manifest.tags) goneWithImage.add(tag);
  }
  const untag = new Map<string, string[]>();
  for (const tag of new Set(tags)) {
    if (goneWithImage.has(tag)) continue;
    const digest = byTag.get(tag);
    if (digest === undefined) steps.push({ kind: 'fail', tags: [tag], error: 'Tag not found' });
    else untag.set(digest, [...(untag.get(digest) ?? []), tag]);
  }
  for (const [digest, named] of untag) steps.push({ kind: 'untag', digest, tags: named.sort() });
  return steps;
};
