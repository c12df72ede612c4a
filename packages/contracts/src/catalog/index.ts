import { z } from 'zod';
import { Principal } from '../identity';
import { rpc } from '../rpc';

/** SWR permission levels, shared by organizations and repositories: 7 manage, 3 edit, 1 read. */
export const AuthLevel = z.union([z.literal(7), z.literal(3), z.literal(1)]);
export type AuthLevel = z.infer<typeof AuthLevel>;

/** A namespace: an SWR organization, a Selectel registry. */
export const Namespace = z.object({
  /** SWR's integer id, assigned in creation order. */
  id: z.number().int().positive(),
  name: z.string(),
  accountId: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  createdAt: z.string(),
});
export type Namespace = z.infer<typeof Namespace>;

export const VisibleNamespace = Namespace.extend({ auth: AuthLevel });
export type VisibleNamespace = z.infer<typeof VisibleNamespace>;

export const CatalogEventTypes = {
  NamespaceCreated: 'NamespaceCreated',
  NamespaceDeleted: 'NamespaceDeleted',
  NamespaceNumberReserved: 'NamespaceNumberReserved',
} as const;

export const CatalogStreams = {
  /** Namespaces are keyed by name: names are unique in the installation (they are part of image paths). */
  namespace: 'catalog.namespace-',
  /** One stream whose revisions number namespaces. */
  namespaceNumbers: 'catalog.sequence-namespace',
} as const;

export const NamespaceCreatedData = Namespace;
export const NamespaceDeletedData = z.object({ id: z.number(), name: z.string(), accountId: z.string(), deletedAt: z.string() });

const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor: Principal, ...shape });

export const CatalogRpc = {
  createNamespace: rpc('catalog.namespace.create', withActor({ name: z.string() }), z.object({ namespace: VisibleNamespace })),
  listNamespaces: rpc(
    'catalog.namespace.list',
    withActor({
      /** Exact name. */
      name: z.string().optional(),
      /** Substring of the name (SWR's `filter=namespace::…` matches fuzzily). */
      nameContains: z.string().optional(),
    }),
    z.object({ namespaces: z.array(VisibleNamespace) }),
  ),
  getNamespace: rpc('catalog.namespace.get', withActor({ name: z.string() }), z.object({ namespace: VisibleNamespace })),
  deleteNamespace: rpc('catalog.namespace.delete', withActor({ name: z.string() }), z.object({ deleted: z.literal(true) })),
} as const;
