import type { Event, RecordedEvent } from '@wharf/event-store';
import { knownRegistriesProjection } from './known-registries.projection';
import type { SelectelTokenEvent } from './selectel-token.decider';
import { NEVER_EXPIRES_SORT_KEY, selectelTokensProjection, type SelectelTokenDocument } from './selectel-tokens.projection';
import { tokenView } from './token-view';

const recorded = <E extends Event>(event: E, position: number, streamName: string): RecordedEvent<E> =>
  ({ ...event, id: `e${position}`, streamName, revision: position, position, metadata: {} }) as RecordedEvent<E>;
const token = (event: SelectelTokenEvent, position: number) => recorded(event, position, 'identity.selecteltoken-t-1');
const now = '2026-11-23T10:00:00.000Z';
const A = '888af692-c646-4b76-a234-81ca9b5bcafe';

describe('Selectel tokens projection', () => {
  const issued = token(
    {
      type: 'SelectelTokenIssued',
      data: {
        tokenId: 't-1',
        accountId: 'acc-1',
        kind: 'v2',
        name: 'ci',
        secretHash: 'hash-1',
        scope: { modeRW: false, allRegistries: false, registryIds: [A] },
        expiresAt: null,
        ttlSeconds: null,
        clusterId: null,
        createdBy: 'u-1',
        createdAt: now,
      },
    },
    1,
  );
  const fold = (events: RecordedEvent<SelectelTokenEvent>[]) =>
    events.reduce<SelectelTokenDocument | null>((doc, event) => selectelTokensProjection.evolve(doc, event, 't-1'), null);

  it('flattens scope and expiry into sortable fields; tokens without expiry sort last', () => {
    expect(fold([issued])).toEqual({
      id: 't-1',
      accountId: 'acc-1',
      kind: 'v2',
      name: 'ci',
      secretHash: 'hash-1',
      modeRW: false,
      allRegistries: false,
      registryIds: [A],
      expiresAt: null,
      expiresAtSort: NEVER_EXPIRES_SORT_KEY,
      ttlSeconds: null,
      clusterId: null,
      revoked: false,
      lastUsedAt: null,
      createdAt: now,
    });
    const refreshed = fold([issued, token({ type: 'SelectelTokenRefreshed', data: { tokenId: 't-1', expiresAt: '2030-01-01T00:00:00.000Z', refreshedAt: now } }, 2)]);
    expect(refreshed).toMatchObject({ expiresAt: '2030-01-01T00:00:00.000Z', expiresAtSort: '2030-01-01T00:00:00.000Z' });
  });

  it('keeps the new secret hash on regenerate and makes a revoked token active again', () => {
    const doc = fold([
      issued,
      token({ type: 'SelectelTokenUsed', data: { tokenId: 't-1', usedAt: now } }, 2),
      token({ type: 'SelectelTokenRevoked', data: { tokenId: 't-1', revokedAt: now } }, 3),
    ]);
    expect(tokenView(doc!, now)).toMatchObject({ status: 'revoked', lastUsedAt: now });
    const regenerated = selectelTokensProjection.evolve(doc, token({ type: 'SelectelTokenRegenerated', data: { tokenId: 't-1', secretHash: 'hash-2', expiresAt: null, regeneratedAt: now } }, 4), 't-1');
    expect(regenerated).toMatchObject({ secretHash: 'hash-2', revoked: false });
  });

  it('shows expired tokens as expired, and forgets deleted ones', () => {
    const expiring = fold([issued, token({ type: 'SelectelTokenRefreshed', data: { tokenId: 't-1', expiresAt: '2026-11-23T11:00:00.000Z', refreshedAt: now } }, 2)])!;
    expect(tokenView(expiring, '2026-11-23T10:59:59.999Z').status).toBe('active');
    expect(tokenView(expiring, '2026-11-23T11:00:00.000Z').status).toBe('expired');
    expect(fold([issued, token({ type: 'SelectelTokenDeleted', data: { tokenId: 't-1', accountId: 'acc-1', deletedAt: now } }, 2)])).toBeNull();
  });
});

describe('known registries projection', () => {
  const created = recorded(
    { type: 'NamespaceCreated', data: { id: 3, registryId: A, name: 'team', accountId: 'a1', creatorId: 'u1', creatorName: 'dev', createdAt: now } },
    10,
    'catalog.namespace-team',
  );

  it("maps a catalog namespace to its registry id and account, and drops it when the namespace goes", () => {
    expect(knownRegistriesProjection.documentIds(created)).toEqual(['team']);
    const doc = knownRegistriesProjection.evolve(null, created, 'team');
    expect(doc).toEqual({ id: 'team', registryId: A, accountId: 'a1' });
    const deleted = recorded({ type: 'NamespaceDeleted', data: { id: 3, name: 'team', accountId: 'a1', deletedAt: now } }, 11, 'catalog.namespace-team');
    expect(knownRegistriesProjection.evolve(doc, deleted, 'team')).toBeNull();
  });
});
