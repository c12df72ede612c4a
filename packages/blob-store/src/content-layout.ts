import { join } from 'node:path';

const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

const split = (digest: string): { algorithm: string; encoded: string } => {
  const match = DIGEST.exec(digest);
  if (!match) throw new Error(`Not a digest: ${digest}`);
  return { algorithm: match[1]!, encoded: match[2]! };
};

/**
 * Where content-addressed bytes live in the blob store. The registry writes and serves them; lifecycle's garbage
 * collection removes them. Both follow this one layout:
 *
 *   blobs/<algorithm>/<first two characters>/<encoded>/data   every blob and manifest, by digest
 *   uploads/<id>/data                                          bytes of an upload in progress
 *   uploads/<id>/info                                          {"repository": "...", "startedAt": "..."}
 *   gc-trash/<run>/<algorithm>/<encoded>                       bytes a collection run has set aside while it
 *                                                             makes sure nothing references them; the run puts
 *                                                             them back or deletes them, and readers look there
 *                                                             when the bytes are not in place
 */
export const ContentLayout = {
  /** The blob store's root under Wharf's data directory. */
  root: (dataDir: string): string => join(dataDir, 'registry'),
  blob: (digest: string): string => {
    const { algorithm, encoded } = split(digest);
    return `blobs/${algorithm}/${encoded.slice(0, 2)}/${encoded}/data`;
  },
  uploads: 'uploads',
  upload: (id: string): string => `uploads/${id}`,
  uploadData: (id: string): string => `uploads/${id}/data`,
  uploadInfo: (id: string): string => `uploads/${id}/info`,
  trashRoot: 'gc-trash',
  trashOfRun: (run: string): string => `gc-trash/${run}`,
  trash: (run: string, digest: string): string => {
    const { algorithm, encoded } = split(digest);
    return `gc-trash/${run}/${algorithm}/${encoded}`;
  },
} as const;
