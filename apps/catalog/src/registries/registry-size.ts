/** A piece of stored content a registry's repositories hold: a linked blob or a manifest. */
export interface HeldContent {
  digest: string;
  size: number;
}

/**
 * A registry's `size`: the bytes of the distinct content its repositories hold, that is every blob (config or
 * layer) linked by any of its repositories and every manifest any of them holds, each digest counted once
 * however many repositories of the registry share it (the content store keeps one copy per digest). Blobs
 * linked but referenced by no manifest count too: they occupy storage until garbage collection frees them.
 */
export const registrySize = (held: Iterable<HeldContent>): number => {
  const sizes = new Map<string, number>();
  for (const { digest, size } of held) sizes.set(digest, size);
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
};

/** `size` as a percentage of `sizeLimit`, rounded to two decimals (Selectel shows e.g. 2.33). */
export const usedPercent = (size: number, sizeLimit: number): number => Math.round((size / sizeLimit) * 10_000) / 100;
