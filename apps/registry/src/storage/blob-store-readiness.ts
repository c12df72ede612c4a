import type { BlobDriver } from '@wharf/blob-store';
import type { ReadinessCheck } from '@wharf/platform';

/** Outside `blobs/` and `gc-trash/`, so garbage collection never sees it. */
const PROBE_PATH = 'readiness/probe';
const PROBE_CONTENT = Buffer.from('ready');

/** The blob store is ready when a small file can be written and read back: pushes need both. */
export const blobStoreReadiness = (blobs: BlobDriver): ReadinessCheck => ({
  name: 'blobStore',
  probe: async () => {
    await blobs.putContent(PROBE_PATH, PROBE_CONTENT);
    const read = await blobs.getContent(PROBE_PATH);
    if (!read.equals(PROBE_CONTENT)) throw new Error(`${blobs.name} returned other bytes than were written`);
    return { driver: blobs.name };
  },
});
