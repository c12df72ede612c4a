import { CatalogStreams } from '@wharf/contracts/catalog';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { NamespaceEvent } from './namespace.decider';

/** One document per live namespace, keyed by name; `number` is SWR's integer id. */
export interface NamespaceDocument {
  id: string;
  number: number;
  /** The namespace's UUID (its Selectel registry id). */
  registryId: string;
  name: string;
  accountId: string;
  creatorId: string;
  creatorName: string;
  createdAt: string;
  /** Set while a Selectel registry delete removes the namespace's repositories. */
  deleting?: boolean;
  [field: string]: unknown;
}

export const namespacesProjection: Projection<NamespaceDocument, NamespaceEvent> = {
  name: 'namespaces',
  version: 2,
  streamPrefixes: [CatalogStreams.namespace],
  indexes: [['accountId', 'number'], ['number'], ['registryId']],
  documentIds: (event: RecordedEvent<NamespaceEvent>) => [event.data.name],
  evolve: (doc, event) => {
    switch (event.type) {
      case 'NamespaceCreated': {
        const { id, registryId, name, accountId, creatorId, creatorName, createdAt } = event.data;
        return { id: name, number: id, registryId, name, accountId, creatorId, creatorName, createdAt };
      }
      case 'NamespaceDeletionStarted':
        return doc ? { ...doc, deleting: true } : null;
      case 'NamespaceDeleted':
        return null;
      default:
        return doc;
    }
  },
};
