import { CatalogEventTypes, CatalogStreams, NamespaceCreatedData } from '@wharf/contracts/catalog';
import type { Projection } from '@wharf/read-model';
import type { TargetIdentity } from '../target-identity';

/** Who owns each namespace, and which namespace holds the name now, from catalog's published namespace events. */
export interface NamespaceOwnerDocument {
  id: string;
  accountId: string;
  creatorId: string;
  /** Catalog's integer id of the namespace: grants on it remember it. */
  namespaceId: number;
  createdAt: string;
  [field: string]: unknown;
}

export const namespaceOwnersProjection: Projection<NamespaceOwnerDocument> = {
  name: 'namespace_owners',
  version: 2,
  streamPrefixes: [CatalogStreams.namespace],
  indexes: [['accountId']],
  documentIds: (event) => {
    const name = (event.data as { name?: unknown }).name;
    return typeof name === 'string' ? [name] : [];
  },
  evolve: (doc, event) => {
    switch (event.type) {
      case CatalogEventTypes.NamespaceCreated: {
        const { name, accountId, creatorId, id, createdAt } = NamespaceCreatedData.parse(event.data);
        return { id: name, accountId, creatorId, namespaceId: id, createdAt };
      }
      case CatalogEventTypes.NamespaceDeleted:
        return null;
      default:
        return doc;
    }
  },
};

/** The identity of the namespace that holds the name now. */
export const namespaceIdentity = (owner: NamespaceOwnerDocument | null | undefined): TargetIdentity | null =>
  owner ? { id: owner.namespaceId, createdAt: owner.createdAt } : null;
