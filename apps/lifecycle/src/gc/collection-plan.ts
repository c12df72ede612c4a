/**
 * Garbage collection's decisions as pure functions of a registry's reference graph. A registry's size is the
 * bytes of the distinct content its repositories hold (blob links and manifests, each digest once), so what a
 * collection frees is the bytes of the digests that no repository of the registry holds after it.
 *
 * Within each repository (a blob is served through a repository only if that repository links it, and
 * manifests reference blobs and manifests of their own repository):
 * - with `deleteUntagged`, the manifests kept are those a tag names or that were pushed after `protectedAfter`,
 *   then, repeatedly, the children of a kept index and the referrers of a kept subject; every other manifest is
 *   deleted. Without it every manifest is kept;
 * - a blob link goes when no kept manifest references the blob and the link was made (or made again) at or
 *   before `protectedAfter`.
 * `protectedAfter` is the run's start minus the grace window: nothing newer is ever collected.
 */

export interface LinkFact {
  repository: string;
  digest: string;
  size: number;
  linkedAt: string;
}

export interface ManifestFact {
  repository: string;
  digest: string;
  size: number;
  /** Config and layers. */
  blobs: readonly string[];
  /** An index's manifests. */
  children: readonly string[];
  subject?: string;
  pushedAt: string;
  tags: readonly string[];
}

export interface ReferenceGraph {
  links: readonly LinkFact[];
  manifests: readonly ManifestFact[];
}

export interface CollectionOptions {
  deleteUntagged: boolean;
  /** ISO-8601; content linked or pushed after it stays. */
  protectedAfter: string;
}

export interface RepositoryGarbage {
  manifests: string[];
  blobs: string[];
}

export interface CollectionPlan {
  /** Repository → the manifests to delete and the blob links to remove. Repositories with nothing to do are absent. */
  repositories: Map<string, RepositoryGarbage>;
  manifestCount: number;
  blobCount: number;
  /** Bytes the registry's size loses. */
  freedBytes: number;
}

const byRepository = <T extends { repository: string }>(items: readonly T[]): Map<string, T[]> => {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const list = grouped.get(item.repository);
    if (list) list.push(item);
    else grouped.set(item.repository, [item]);
  }
  return grouped;
};

/** The manifests of one repository that stay. */
export const keptManifests = (manifests: readonly ManifestFact[], { deleteUntagged, protectedAfter }: CollectionOptions): Set<string> => {
  if (!deleteUntagged) return new Set(manifests.map((m) => m.digest));
  const present = new Map(manifests.map((m) => [m.digest, m]));
  const kept = new Set<string>();
  const pending: string[] = [];
  const keep = (digest: string) => {
    if (!kept.has(digest) && present.has(digest)) {
      kept.add(digest);
      pending.push(digest);
    }
  };
  for (const m of manifests) if (m.tags.length > 0 || m.pushedAt > protectedAfter) keep(m.digest);
  const referrers = new Map<string, string[]>();
  for (const m of manifests) if (m.subject !== undefined) referrers.set(m.subject, [...(referrers.get(m.subject) ?? []), m.digest]);
  while (pending.length > 0) {
    const digest = pending.pop()!;
    for (const child of present.get(digest)!.children) keep(child);
    for (const referrer of referrers.get(digest) ?? []) keep(referrer);
  }
  return kept;
};

/** What a collection with these options would do to the registry whose graph this is. */
export const planCollection = (graph: ReferenceGraph, options: CollectionOptions): CollectionPlan => {
  const links = byRepository(graph.links);
  const manifests = byRepository(graph.manifests);
  const repositories = new Map<string, RepositoryGarbage>();
  const removed = new Set<string>();
  let manifestCount = 0;
  let blobCount = 0;
  for (const repository of new Set([...links.keys(), ...manifests.keys()])) {
    const held = manifests.get(repository) ?? [];
    const kept = keptManifests(held, options);
    const referenced = new Set<string>();
    for (const m of held) if (kept.has(m.digest)) for (const blob of m.blobs) referenced.add(blob);
    const garbage: RepositoryGarbage = {
      manifests: held.filter((m) => !kept.has(m.digest)).map((m) => m.digest),
      blobs: (links.get(repository) ?? []).filter((l) => !referenced.has(l.digest) && l.linkedAt <= options.protectedAfter).map((l) => l.digest),
    };
    if (garbage.manifests.length + garbage.blobs.length === 0) continue;
    repositories.set(repository, garbage);
    manifestCount += garbage.manifests.length;
    blobCount += garbage.blobs.length;
    for (const digest of garbage.manifests) removed.add(`manifest ${repository}@${digest}`);
    for (const digest of garbage.blobs) removed.add(`link ${repository}@${digest}`);
  }
  return { repositories, manifestCount, blobCount, freedBytes: freedBytes(graph, removed) };
};

/**
 * Bytes of the digests whose every holding in the graph is among `removed` (holdings named
 * `manifest <repository>@<digest>` and `link <repository>@<digest>`).
 */
const freedBytes = (graph: ReferenceGraph, removed: ReadonlySet<string>): number => {
  const digests = new Map<string, { size: number; stays: boolean }>();
  const hold = (kind: string, { repository, digest, size }: { repository: string; digest: string; size: number }) => {
    const entry = digests.get(digest) ?? { size, stays: false };
    entry.stays ||= !removed.has(`${kind} ${repository}@${digest}`);
    digests.set(digest, entry);
  };
  for (const link of graph.links) hold('link', link);
  for (const manifest of graph.manifests) hold('manifest', manifest);
  let total = 0;
  for (const { size, stays } of digests.values()) if (!stays) total += size;
  return total;
};

/** `GET …/garbage-collection/size`: what a collection started now would free, without and with untagged manifests. */
export const garbageSize = (graph: ReferenceGraph, protectedAfter: string) => {
  const sizeNonReferenced = planCollection(graph, { deleteUntagged: false, protectedAfter }).freedBytes;
  const sizeSummary = planCollection(graph, { deleteUntagged: true, protectedAfter }).freedBytes;
  return { sizeNonReferenced, sizeUntagged: sizeSummary - sizeNonReferenced, sizeSummary };
};

/**
 * Whether a storage sweep may delete a digest's bytes: nothing anywhere holds it, and its last holding was made
 * at or before `protectedAfter`. A digest never recorded is not a candidate at all.
 */
export const sweepable = (content: { references: number; lastReferencedAt: string } | null, protectedAfter: string): boolean =>
  content !== null && content.references === 0 && content.lastReferencedAt <= protectedAfter;
