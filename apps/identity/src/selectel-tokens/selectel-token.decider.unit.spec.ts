import { DeciderSpecification } from '@wharf/event-store/testing';
import { selectelTokenDecider, type SelectelTokenEvent, type SelectelTokenIssuedData } from './selectel-token.decider';

const now = '2026-11-23T10:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(now) + seconds * 1000).toISOString();
const metadata = { now };
const A = '888af692-c646-4b76-a234-81ca9b5bcafe';
const B = '6303699d-c2cd-40b1-8428-9dcd6cc3d00d';
const admin = { accountId: 'acc-1', accountAdmin: true };
const member = { accountId: 'acc-1', accountAdmin: false };
const stranger = { accountId: 'acc-2', accountAdmin: true };

const issued = (overrides: Partial<SelectelTokenIssuedData> = {}): SelectelTokenEvent => ({
  type: 'SelectelTokenIssued',
  data: {
    tokenId: 't-1',
    accountId: 'acc-1',
    kind: 'v2',
    name: 'ci',
    secretHash: 'hash-1',
    scope: { modeRW: false, allRegistries: false, registryIds: [A] },
    expiresAt: '2030-01-01T00:00:00.000Z',
    ttlSeconds: null,
    clusterId: null,
    createdBy: 'u-1',
    createdAt: now,
    ...overrides,
  },
});
const revoked: SelectelTokenEvent = { type: 'SelectelTokenRevoked', data: { tokenId: 't-1', revokedAt: now } };
const deleted: SelectelTokenEvent = { type: 'SelectelTokenDeleted', data: { tokenId: 't-1', accountId: 'acc-1', deletedAt: now } };

describe('Selectel token decider', () => {
  const spec = DeciderSpecification.for(selectelTokenDecider);
  const issue = (data: Record<string, unknown> = {}, actor = admin) => ({
    type: 'IssueToken' as const,
    data: {
      tokenId: 't-1',
      actor,
      kind: 'v2' as const,
      name: 'ci',
      secretHash: 'hash-1',
      expiration: { isSet: true, expiresAt: '2030-01-01T00:00:00Z' },
      scope: { modeRW: false, allRegistries: false, registryIds: [A, A] },
      accountRegistryIds: [A],
      createdBy: 'u-1',
      ...data,
    },
    metadata,
  });

  describe('issuing', () => {
    it('issues a v2 token with a normalised expiry and de-duplicated registries', () => {
      spec.given([]).when(issue()).then([issued()]);
    });

    it('names an unnamed token after its id, and keeps no registry list for all-registries tokens', () => {
      spec
        .given([])
        .when(issue({ name: undefined, scope: { modeRW: true, allRegistries: true, registryIds: [B] }, accountRegistryIds: [], expiration: { isSet: false } }))
        .then([issued({ name: 'token-t-1', scope: { modeRW: true, allRegistries: true, registryIds: [] }, expiresAt: null })]);
    });

    it('refuses expiries in the past, now, unparsable or missing', () => {
      for (const expiration of [{ isSet: true, expiresAt: '2020-01-01T00:00:00Z' }, { isSet: true, expiresAt: now }, { isSet: true, expiresAt: 'soon' }, { isSet: true }]) {
        spec.given([]).when(issue({ expiration })).thenThrows({ code: 'IDENTITY.INVALID_TOKEN_EXPIRATION' });
      }
    });

    it("refuses registries that are not the account's, and an empty list without allRegistries", () => {
      spec.given([]).when(issue({ scope: { modeRW: true, allRegistries: false, registryIds: [A, B] } })).thenThrows({ code: 'IDENTITY.INVALID_TOKEN_SCOPE', details: { registryId: B } });
      spec.given([]).when(issue({ scope: { modeRW: true, allRegistries: false, registryIds: [] } })).thenThrows({ code: 'IDENTITY.INVALID_TOKEN_SCOPE' });
    });

    it('lets only account administrators issue, and refuses blank names and reused ids', () => {
      spec.given([]).when(issue({}, member)).thenThrows({ code: 'IDENTITY.FORBIDDEN' });
      spec.given([]).when(issue({ name: '   ' })).thenThrows({ code: 'PLATFORM.VALIDATION_FAILED' });
      spec.given([issued(), deleted]).when(issue()).thenThrows({ code: 'PLATFORM.CONCURRENCY_CONFLICT' });
    });

    it('issues v1 tokens read-write on all registries, expiring their lifetime after now', () => {
      spec
        .given([])
        .when({ type: 'IssueV1Token', data: { tokenId: 't-1', actor: admin, secretHash: 'hash-1', ttlSeconds: 43200, createdBy: 'u-1' }, metadata })
        .then([issued({ kind: 'v1', name: '', scope: { modeRW: true, allRegistries: true, registryIds: [] }, expiresAt: later(43200), ttlSeconds: 43200 })]);
    });
  });

  describe('managing', () => {
    const acting = (actor = admin) => ({ tokenId: 't-1', actor });

    it('updates only what is given', () => {
      spec
        .given([issued()])
        .when({ type: 'UpdateToken', data: { ...acting(), name: 'deploy', accountRegistryIds: [] }, metadata })
        .then([{ type: 'SelectelTokenUpdated', data: { tokenId: 't-1', name: 'deploy', scope: { modeRW: false, allRegistries: false, registryIds: [A] }, expiresAt: '2030-01-01T00:00:00.000Z', updatedAt: now } } as SelectelTokenEvent]);
      spec
        .given([issued()])
        .when({ type: 'UpdateToken', data: { ...acting(), scope: { modeRW: true, allRegistries: false, registryIds: [B] }, expiration: { isSet: false }, accountRegistryIds: [B] }, metadata })
        .then([{ type: 'SelectelTokenUpdated', data: { tokenId: 't-1', name: 'ci', scope: { modeRW: true, allRegistries: false, registryIds: [B] }, expiresAt: null, updatedAt: now } } as SelectelTokenEvent]);
    });

    it('refreshes the expiry of a live token, and refuses to refresh a revoked one', () => {
      spec
        .given([issued()])
        .when({ type: 'RefreshToken', data: { ...acting(), expiration: { isSet: true, expiresAt: '2029-03-20T00:00:00Z' } }, metadata })
        .then([{ type: 'SelectelTokenRefreshed', data: { tokenId: 't-1', expiresAt: '2029-03-20T00:00:00.000Z', refreshedAt: now } }]);
      spec
        .given([issued(), revoked])
        .when({ type: 'RefreshToken', data: { ...acting(), expiration: { isSet: false } }, metadata })
        .thenThrows({ code: 'IDENTITY.SELECTEL_TOKEN_REVOKED' });
    });

    it('regenerates a revoked token with a new secret, active again', () => {
      spec
        .given([issued(), revoked])
        .when({ type: 'RegenerateToken', data: { ...acting(), secretHash: 'hash-2', expiration: { isSet: false } }, metadata })
        .then([{ type: 'SelectelTokenRegenerated', data: { tokenId: 't-1', secretHash: 'hash-2', expiresAt: null, regeneratedAt: now } }]);
      const state = [issued(), revoked, { type: 'SelectelTokenRegenerated', data: { tokenId: 't-1', secretHash: 'hash-2', expiresAt: null, regeneratedAt: now } } as SelectelTokenEvent].reduce(
        selectelTokenDecider.evolve,
        selectelTokenDecider.initialState(),
      );
      expect(state).toMatchObject({ status: 'live', revoked: false, expiresAt: null });
    });

    it('revokes once; revoking again changes nothing', () => {
      spec.given([issued()]).when({ type: 'RevokeToken', data: { ...acting(), via: 'v2' }, metadata }).then([revoked]);
      spec.given([issued(), revoked]).when({ type: 'RevokeToken', data: { ...acting(), via: 'v2' }, metadata }).then([]);
    });

    it('deletes, after which the token does not exist', () => {
      spec.given([issued()]).when({ type: 'DeleteToken', data: { ...acting(), via: 'v2' }, metadata }).then([deleted]);
      spec.given([issued(), deleted]).when({ type: 'RevokeToken', data: { ...acting(), via: 'v2' }, metadata }).thenThrows({ code: 'IDENTITY.SELECTEL_TOKEN_NOT_FOUND', details: { tokenId: 't-1' } });
    });

    it('answers 404 to other accounts and to the wrong API, 403 to users who are not administrators', () => {
      spec.given([issued()]).when({ type: 'DeleteToken', data: { ...acting(stranger), via: 'v2' }, metadata }).thenThrows({ code: 'IDENTITY.SELECTEL_TOKEN_NOT_FOUND' });
      spec.given([issued()]).when({ type: 'RevokeToken', data: { ...acting(member), via: 'v2' }, metadata }).thenThrows({ code: 'IDENTITY.FORBIDDEN' });
      spec.given([issued({ kind: 'cluster', clusterId: 'c-1' })]).when({ type: 'DeleteToken', data: { ...acting(), via: 'v2' }, metadata }).thenThrows({ code: 'IDENTITY.SELECTEL_TOKEN_NOT_FOUND' });
      spec.given([issued({ kind: 'cluster', clusterId: 'c-1' })]).when({ type: 'DeleteToken', data: { ...acting(), via: 'cluster' }, metadata }).then([deleted]);
      spec.given([issued({ kind: 'v1', ttlSeconds: 43200 })]).when({ type: 'RevokeToken', data: { ...acting(), via: 'v2' }, metadata }).thenThrows({ code: 'IDENTITY.SELECTEL_TOKEN_NOT_FOUND' });
    });

    it('refreshes a v1 token by its lifetime from now; a revoked v1 token is gone', () => {
      const v1 = issued({ kind: 'v1', expiresAt: later(43200), ttlSeconds: 43200 });
      const at = '2026-11-23T20:00:00.000Z';
      spec
        .given([v1])
        .when({ type: 'RefreshV1Token', data: acting(), metadata: { now: at } })
        .then([{ type: 'SelectelTokenRefreshed', data: { tokenId: 't-1', expiresAt: '2026-11-24T08:00:00.000Z', refreshedAt: at } }]);
      spec.given([v1, revoked]).when({ type: 'RefreshV1Token', data: acting(), metadata }).thenThrows({ code: 'IDENTITY.SELECTEL_TOKEN_NOT_FOUND' });
    });
  });

  describe('recording use', () => {
    const use = (at: string) => ({ type: 'RecordTokenUse' as const, data: { tokenId: 't-1' }, metadata: { now: at } });
    const used = (at: string): SelectelTokenEvent => ({ type: 'SelectelTokenUsed', data: { tokenId: 't-1', usedAt: at } });

    it('records the first use and then at most one use a minute', () => {
      spec.given([issued()]).when(use(now)).then([used(now)]);
      spec.given([issued(), used(now)]).when(use(later(59))).then([]);
      spec.given([issued(), used(now)]).when(use(later(60))).then([used(later(60))]);
    });

    it('records nothing for revoked, deleted or unknown tokens', () => {
      spec.given([issued(), revoked]).when(use(now)).then([]);
      spec.given([issued(), deleted]).when(use(now)).then([]);
      spec.given([]).when(use(now)).then([]);
    });
  });
});
