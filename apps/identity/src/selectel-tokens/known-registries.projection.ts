import { CatalogEventTypes, CatalogStreams, NamespaceCreatedData } from '@wharf/contracts/catalog';
import type { Projection } from '@wharf/read-model';

/** A Selectel registry (a catalog namespace) as identity needs it: its id, name and owning account. */
export interface KnownRegistryDocument {
  /** The namespace name: catalog's namespace streams, and their deletions, are keyed by it. */
  id: string;
  registryId: string;
  accountId: string;
  [field: string]: unknown;
}

/** Registry ids ↔ namespace names and owners, from catalog's published namespace events. */
export const knownRegistriesProjection: Projection<KnownRegistryDocument> = {
  name: 'known_registries',
  version: 1,
  streamPrefixes: [CatalogStreams.namespace],
  indexes: [['registryId']],
  documentIds: (event) => {
    const name = (event.data as { name?: unknown }).name;
    return typeof name === 'string' ? [name] : [];
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case CatalogEventTypes.NamespaceCreated: {
        const { name, registryId, accountId } = NamespaceCreatedData.parse(event.data);
        return { id: name, registryId, accountId };
      }
      case CatalogEventTypes.NamespaceDeleted:
        return null;
      default:
        return doc;
    }
  },
};
