import type { RecordedEvent } from '@wharf/event-store';
import type { RegistryTokenClaims } from '@wharf/registry-token';
import { revocationIdsFor, withoutRevoked } from './revocations';
import { RevocationIds, revocationsProjection, type RevocationDocument, type RevokingEvent } from './revocations.projection';

const issuedAt = Date.parse('2026-12-01T10:00:00.500Z');
const claims: RegistryTokenClaims = {
  iss: 'wharf-identity',
  sub: 'dev',
  aud: 'registry',
  iat: Math.floor(issuedAt / 1000),
  issuedAtMs: issuedAt,
  nbf: Math.floor(issuedAt / 1000),
  exp: Math.floor(issuedAt / 1000) + 300,
  jti: 'j',
  access: [
    { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
    { type: 'repository', name: 'other/lib', actions: ['pull'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ],
  wharf: { accountId: 'a-1', accountName: 'acme', userId: 'u-1', userName: 'dev', accountAdmin: false, systemAdmin: false },
};
const revokedAt = (id: string, at: string) => new Map<string, RevocationDocument>([[id, { id, revokedAt: at }]]);
let position = 0;
const recorded = (type: RevokingEvent['type'], data: Record<string, unknown>): RecordedEvent<RevokingEvent> =>
  ({ type, data, metadata: {}, position: ++position, revision: 0, streamName: 's', id: `e-${position}` }) as unknown as RecordedEvent<RevokingEvent>;
const project = (events: RecordedEvent<RevokingEvent>[]) => {
  const docs = new Map<string, RevocationDocument>();
  for (const event of events) {
    for (const id of revocationsProjection.documentIds(event)) docs.set(id, revocationsProjection.evolve(docs.get(id) ?? null, event, id)!);
  }
  return docs;
};

describe('registry token revocations', () => {
  it('keeps tokens issued after every revocation', () => {
    expect(withoutRevoked(claims, revokedAt(RevocationIds.principal('u-1'), '2026-12-01T10:00:00.499Z'))).toEqual(claims);
  });

  it("takes a repository that stopped being public out of anyone's token, anonymous ones included", () => {
    const { wharf: _principal, ...anonymous } = claims;
    expect(revocationIdsFor(anonymous)).toEqual([
      RevocationIds.publicAccess('team/app'),
      RevocationIds.repository('team/app'),
      RevocationIds.namespace('team'),
      RevocationIds.publicAccess('other/lib'),
      RevocationIds.repository('other/lib'),
      RevocationIds.namespace('other'),
    ]);
    expect(withoutRevoked(anonymous, new Map())).toEqual(anonymous);
    const madePrivate = revokedAt(RevocationIds.publicAccess('team/app'), '2026-12-01T10:00:01.000Z');
    expect(withoutRevoked(anonymous, madePrivate)?.access.map((entry) => entry.name)).toEqual(['other/lib', 'catalog']);
    expect(withoutRevoked(claims, madePrivate)?.access.map((entry) => entry.name)).toEqual(['other/lib', 'catalog']);
  });

  it('refuses the whole token when its principal was revoked at or after it was issued, in the same second too', () => {
    expect(withoutRevoked(claims, revokedAt(RevocationIds.principal('u-1'), '2026-12-01T10:00:00.500Z'))).toBeNull();
    expect(withoutRevoked(claims, revokedAt(RevocationIds.principal('u-1'), '2026-12-01T10:00:00.900Z'))).toBeNull();
  });

  it('counts a token without issuedAtMs as issued at the start of its second', () => {
    const { issuedAtMs: _ms, ...older } = claims;
    expect(withoutRevoked(older, revokedAt(RevocationIds.principal('u-1'), '2026-12-01T10:00:00.900Z'))).toBeNull();
    expect(withoutRevoked(older, revokedAt(RevocationIds.principal('u-1'), '2026-12-01T10:00:01.000Z'))).toBeNull();
    expect(withoutRevoked(older, revokedAt(RevocationIds.principal('u-1'), '2026-12-01T09:59:59.999Z'))).toEqual(older);
  });

  it('takes out only the repositories whose grant, organization grant or share was revoked', () => {
    const later = '2026-12-01T10:01:00.000Z';
    const expectOnly = (docs: Map<string, RevocationDocument>, names: string[]) =>
      expect(withoutRevoked(claims, docs)?.access.map((entry) => entry.name)).toEqual(names);
    expectOnly(revokedAt(RevocationIds.grant('u-1', 'team/app'), later), ['other/lib', 'catalog']);
    expectOnly(revokedAt(RevocationIds.grant('u-1', 'team'), later), ['other/lib', 'catalog']);
    expectOnly(revokedAt(RevocationIds.share('a-1', 'other/lib'), later), ['team/app', 'catalog']);
    expectOnly(revokedAt(RevocationIds.grant('u-2', 'team'), later), ['team/app', 'other/lib', 'catalog']);
    expect(revocationIdsFor(claims)).toContain(RevocationIds.grant('u-1', 'team'));
  });

  it('takes out, for anyone, a repository deleted or whose organization was deleted or created after the token was issued', () => {
    const later = '2026-12-01T10:01:00.000Z';
    const { wharf: _principal, ...anonymous } = claims;
    for (const token of [claims, anonymous]) {
      expect(withoutRevoked(token, revokedAt(RevocationIds.repository('team/app'), later))?.access.map((entry) => entry.name)).toEqual(['other/lib', 'catalog']);
      expect(withoutRevoked(token, revokedAt(RevocationIds.namespace('other'), later))?.access.map((entry) => entry.name)).toEqual(['team/app', 'catalog']);
    }
    expect(withoutRevoked(claims, revokedAt(RevocationIds.namespace('team'), '2026-12-01T10:00:00.499Z'))).toEqual(claims);
  });

  it("projects catalog's namespace creations and deletions and repository deletions, not repository creations", () => {
    const docs = project([
      recorded('NamespaceCreated', { id: 1, name: 'team', accountId: 'a-1', createdAt: '2026-12-01T10:00:01.000Z' }),
      recorded('RepositoryCreated' as RevokingEvent['type'], { repository: 'team/app', createdAt: '2026-12-01T10:00:02.000Z' }),
      recorded('RepositoryDeleted', { repository: 'team/app', tags: [], manifests: [], blobs: [], deletedAt: '2026-12-01T10:00:03.000Z' }),
      recorded('NamespaceDeleted', { id: 1, name: 'team', accountId: 'a-1', deletedAt: '2026-12-01T10:00:04.000Z' }),
      recorded('NamespaceCreated', { id: 2, name: 'team', accountId: 'a-2', createdAt: '2026-12-01T10:00:05.000Z' }),
    ]);
    expect(Object.fromEntries([...docs].map(([id, doc]) => [id, doc.revokedAt]))).toEqual({
      'namespace:team': '2026-12-01T10:00:05.000Z',
      'repository:team/app': '2026-12-01T10:00:03.000Z',
    });
  });

  it("projects identity's and access's revocations, keeping the latest time per principal and grant", () => {
    const docs = project([
      recorded('UserCreated' as RevokingEvent['type'], { userId: 'u-1' }),
      recorded('UserSessionsEnded', { userId: 'u-1', endedAt: '2026-12-01T10:00:02.000Z' }),
      recorded('UserDeleted', { userId: 'u-1', deletedAt: '2026-12-01T10:00:01.000Z' }),
      recorded('SelectelTokenRevoked', { tokenId: 't-1', revokedAt: '2026-12-01T10:00:03.000Z' }),
      recorded('PermissionsRevoked', { kind: 'namespace', name: 'team', userIds: ['u-2', 'u-3'], revokedAt: '2026-12-01T10:00:04.000Z' }),
      recorded('PermissionsUpdated', { kind: 'repository', name: 'team/app', grants: [{ userId: 'u-2' }], updatedAt: '2026-12-01T10:00:05.000Z' }),
      recorded('ShareRemoved', { repository: 'team/app', accessAccountId: 'a-2', removedAt: '2026-12-01T10:00:06.000Z' }),
      recorded('RepositoryUpdated', { repository: 'team/open', isPublic: true, updatedAt: '2026-12-01T10:00:07.000Z' }),
      recorded('RepositoryUpdated', { repository: 'team/app', isPublic: false, updatedAt: '2026-12-01T10:00:08.000Z' }),
    ]);
    expect(Object.fromEntries([...docs].map(([id, doc]) => [id, doc.revokedAt]))).toEqual({
      'principal:u-1': '2026-12-01T10:00:02.000Z',
      'principal:token:t-1': '2026-12-01T10:00:03.000Z',
      'grant:u-2:team': '2026-12-01T10:00:04.000Z',
      'grant:u-3:team': '2026-12-01T10:00:04.000Z',
      'grant:u-2:team/app': '2026-12-01T10:00:05.000Z',
      'share:a-2:team/app': '2026-12-01T10:00:06.000Z',
      'public:team/app': '2026-12-01T10:00:08.000Z',
    });
  });
});
