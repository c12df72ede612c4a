import { CatalogEventTypes, CatalogStreams, NamespaceCreatedData } from '@wharf/contracts/catalog';
import type { Projection } from '@wharf/read-model';

/** Who owns each namespace, from catalog's published namespace events. */
export interface NamespaceOwnerDocument {
  id: string;
  accountId: string;
  creatorId: string;
  [field: string]: unknown;
}

export const namespaceOwnersProjection: Projection<NamespaceOwnerDocument> = {
  name: 'namespace_owners',
  version: 1,
  streamPrefixes: [CatalogStreams.namespace],
  indexes: [['accountId']],
  documentIds: (event) => {
    const name = (event.data as { name?: unknown }).name;
    return typeof name === 'string' ? [name] : [];
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case CatalogEventTypes.NamespaceCreated: {
        const { name, accountId, creatorId } = NamespaceCreatedData.parse(event.data);
        return { id: name, accountId, creatorId };
      }
      case CatalogEventTypes.NamespaceDeleted:
        return null;
      default:
        return doc;
    }
  },
};
