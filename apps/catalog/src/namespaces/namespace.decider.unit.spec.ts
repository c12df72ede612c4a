import type { Principal } from '@wharf/contracts/identity';
import { DeciderSpecification } from '@wharf/event-store/testing';
import { namespaceDecider, type NamespaceCreated, type NamespaceDeleted } from './namespace.decider';

const now = '2026-11-23T10:00:00.000Z';
const REGISTRY_ID = '5d8504c1-bb11-43d2-88a8-bb07303422b3';
const admin: Principal = { accountId: 'acc-1', accountName: 'acme', userId: 'u-admin', userName: 'admin', accountAdmin: true, systemAdmin: false };
const creator: Principal = { ...admin, userId: 'u-dev', userName: 'dev', accountAdmin: false };
const colleague: Principal = { ...admin, userId: 'u-other', userName: 'other', accountAdmin: false };
const stranger: Principal = { ...admin, accountId: 'acc-2', accountName: 'globex' };

const created = (by: Principal = creator): NamespaceCreated => ({
  type: 'NamespaceCreated',
  data: { id: 7, registryId: REGISTRY_ID, name: 'group', accountId: by.accountId, creatorId: by.userId, creatorName: by.userName, createdAt: now },
});
const deleted: NamespaceDeleted = { type: 'NamespaceDeleted', data: { id: 7, name: 'group', accountId: 'acc-1', deletedAt: now } };

const spec = DeciderSpecification.for(namespaceDecider);
const create = (name: string, actor: Principal = creator) => ({ type: 'CreateNamespace' as const, data: { id: 7, registryId: REGISTRY_ID, name, actor }, metadata: { now } });
const remove = (actor: Principal, auth: 7 | 3 | 1 | null = 7) => ({ type: 'DeleteNamespace' as const, data: { name: 'group', actor, auth, repositories: 0 }, metadata: { now } });

describe('namespace decider', () => {
  it('creates a namespace owned by the caller, at the command time', () => {
    spec.given([]).when(create('group')).then([created()]);
  });

  it('refuses a second namespace of the same name', () => {
    spec.given([created()]).when(create('group', admin)).thenThrows({ code: 'CATALOG.NAMESPACE_ALREADY_EXISTS' });
  });

  it('allows the name again once the namespace is deleted', () => {
    spec.given([created(), deleted]).when(create('group')).then([created()]);
  });

  it.each(['Group', '1group', 'group-', 'gr..oup', 'gr_-oup', 'gr___oup', 'a'.repeat(65), '', 'grüp', 'a/b'])(
    'refuses the invalid name %j',
    (name) => {
      spec.given([]).when(create(name)).thenThrows({ code: 'CATALOG.INVALID_NAMESPACE_NAME' });
    },
  );

  it.each(['a', 'group', 'my.team', 'my_team', 'my__team', 'my-team', 'my--team', 'team1', 'a'.repeat(64)])('accepts the valid name %j', (name) => {
    spec.given([]).when(create(name)).then([{ ...created(), data: { ...created().data, name } }]);
  });

  it('lets a caller with manage (7) delete it', () => {
    spec.given([created()]).when(remove(creator)).then([deleted]);
    spec.given([created()]).when(remove(admin)).then([deleted]);
  });

  it('refuses deletion below manage', () => {
    spec.given([created()]).when(remove(colleague, 3)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
    spec.given([created()]).when(remove(colleague, null)).thenThrows({ code: 'CATALOG.NAMESPACE_FORBIDDEN' });
  });

  it('answers not found to another account, and for a namespace that does not exist', () => {
    spec.given([created()]).when(remove(stranger)).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
    spec.given([]).when(remove(admin)).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
    spec.given([created(), deleted]).when(remove(admin)).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_FOUND' });
  });

  it('refuses to delete an organization that still holds repositories', () => {
    const stillHolding = { ...remove(admin), data: { ...remove(admin).data, repositories: 2 } };
    spec.given([created()]).when(stillHolding).thenThrows({ code: 'CATALOG.NAMESPACE_NOT_EMPTY' });
  });
});
