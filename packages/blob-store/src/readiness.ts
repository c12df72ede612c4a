import type { BlobDriver } from './blob-driver';

/** Outside `blobs/` and `gc-trash/` (see ContentLayout), so garbage collection never sees it. */
const PROBE_PATH = 'readiness/probe';
const PROBE_CONTENT = Buffer.from('ready');

/**
 * A readiness check (the shape of @wharf/platform's ReadinessCheck) for the services that hold blobs, registry
 * and lifecycle: the store is ready when a small file can be written and read back, as pushes need both.
 */
export const blobStoreReadiness = (blobs: BlobDriver) => ({
  name: 'blobStore',
  probe: async (): Promise<Record<string, unknown>> => {
    await blobs.putContent(PROBE_PATH, PROBE_CONTENT);
    const read = await blobs.getContent(PROBE_PATH);
    if (!read.equals(PROBE_CONTENT)) throw new Error(`${blobs.name} returned other bytes than were written`);
    return { driver: blobs.name };
  },
});
