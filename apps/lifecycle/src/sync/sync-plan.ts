/**
 * The order a sync copies an image in, as a pure function of its manifests: for each manifest its blobs (config
 * and layers) before it, an index's children (every platform) before the index, and the referrers of a manifest
 * (signatures, SBOMs, and their own referrers) after it. Every digest appears once. The target then never sees
 * a manifest before what it references, nor a referrer before its subject.
 */

export interface LocalManifest {
  digest: string;
  mediaType: string;
  size: number;
  /** Config and layers, with their sizes (foreign layers excluded: the target need not hold them). */
  blobs: readonly { digest: string; size: number }[];
  /** An index's manifests. */
  children: readonly string[];
}

export interface PlannedCopy {
  digest: string;
  kind: 'blob' | 'manifest';
  size: number;
}

export const planCopy = (root: string, manifests: ReadonlyMap<string, LocalManifest>, referrersOf: (digest: string) => readonly string[]): PlannedCopy[] => {
  const items: PlannedCopy[] = [];
  const seen = new Set<string>();
  const add = (item: PlannedCopy) => {
    if (seen.has(item.digest)) return;
    seen.add(item.digest);
    items.push(item);
  };
  const visit = (digest: string, path: readonly string[]) => {
    const manifest = manifests.get(digest);
    if (!manifest) throw new Error(`manifest ${digest} is not in the repository`);
    if (seen.has(digest) || path.includes(digest)) return;
    for (const child of manifest.children) visit(child, [...path, digest]);
    for (const blob of manifest.blobs) add({ digest: blob.digest, kind: 'blob', size: blob.size });
    add({ digest, kind: 'manifest', size: manifest.size });
    for (const referrer of referrersOf(digest)) visit(referrer, [...path, digest]);
  };
  visit(root, []);
  return items;
};
