import type { Event, EventMetadata, RecordedEvent } from '@wharf/event-store';
import { auditLogProjection } from './audit-log.projection';
import type { AuditDocument } from './audit-entry';

const now = '2026-11-23T10:00:00.000Z';
const admin = { accountId: 'acc-a', userId: 'u-1', accountName: 'acme', userName: 'admin', tokenId: 'tok-1' };
let position = 0;
const recorded = (streamName: string, event: Event, metadata: EventMetadata = { now, actor: admin }): RecordedEvent => ({
  ...event,
  id: `e-${++position}`,
  streamName,
  revision: 0,
  position,
  metadata,
});

/** The entries a sequence of events leaves in the log, replayed as the projection runner does. */
const entries = (events: RecordedEvent[]): AuditDocument[] =>
  events.flatMap((event) => auditLogProjection.documentIds(event).map((id) => auditLogProjection.evolve(null, event, id)!));

describe('audit log projection', () => {
  it("records a caller's change: who, what, which resource, when, in the resource's account", () => {
    const [entry] = entries([
      recorded('catalog.repository-team/app', { type: 'TagPointed', data: { repository: 'team/app', tag: 'v1', digest: 'sha256:ab', mediaType: 'x', imageSize: 3, taggedAt: now } }),
    ]);
    expect(entry).toEqual({
      id: expect.any(String),
      position: expect.any(Number),
      time: now,
      accountId: 'acc-a',
      operation: 'TagPointed',
      outcome: 'success',
      resourceType: 'repository',
      resource: 'team/app',
      userId: 'u-1',
      userName: 'admin',
      actorAccountId: 'acc-a',
      actorAccountName: 'acme',
      tokenId: 'tok-1',
      details: { tag: 'v1', digest: 'sha256:ab' },
    });
  });

  it("puts a change in the account it concerns, not the acting installation administrator's, and names users without their account id", () => {
    const [entry] = entries([
      recorded('identity.user-7c9e6679-7425-40de-944b-e07fc1f90ae7.dev', {
        type: 'UserCreated',
        data: { userId: 'u-2', name: 'dev', accountId: 'acc-b', accountName: 'beta', passwordHash: 'scrypt$secret-hash', createdAt: now },
      }),
    ]);
    expect(entry).toMatchObject({ accountId: 'acc-b', actorAccountId: 'acc-a', resourceType: 'user', resource: 'dev', details: { userId: 'u-2', name: 'dev' } });
    expect(JSON.stringify(entry)).not.toContain('secret-hash');
  });

  it('keeps secrets out: only listed data fields become details, and a pushed manifest shows its digest', () => {
    const [token, manifest] = entries([
      recorded('identity.selecteltoken-t-9', { type: 'SelectelTokenRegenerated', data: { tokenId: 't-9', secretHash: 'deadbeef', expiresAt: null, regeneratedAt: now } }),
      recorded('catalog.repository-team/app', { type: 'ManifestPushed', data: { repository: 'team/app', manifest: { digest: 'sha256:cd', blobs: ['sha256:ef'] }, pushedAt: now } }),
    ]);
    expect(token).toMatchObject({ resourceType: 'token', resource: 't-9', details: { tokenId: 't-9', expiresAt: null } });
    expect(JSON.stringify(token)).not.toContain('deadbeef');
    expect(manifest?.details).toEqual({ digest: 'sha256:cd' });
  });

  it('records a refused command as a failure with its error code, against the resource the command was for', () => {
    const [entry] = entries([
      recorded('catalog.refusal-r-1', { type: 'CommandRefused', data: { command: 'DeleteNamespace', stream: 'catalog.namespace-team', code: 'CATALOG.NAMESPACE_FORBIDDEN' } }),
    ]);
    expect(entry).toMatchObject({
      accountId: 'acc-a',
      operation: 'DeleteNamespace',
      outcome: 'failure',
      errorCode: 'CATALOG.NAMESPACE_FORBIDDEN',
      resourceType: 'namespace',
      resource: 'team',
      userName: 'admin',
      details: {},
    });
  });

  it('records a failed login in the account of the user it named, with the client address; one naming nobody only for the installation', () => {
    const [named, nobody] = entries([
      recorded(
        'identity.loginfailure-f-1',
        { type: 'LoginFailed', data: { via: 'keystone', login: 'dev', userId: 'u-2', userName: 'dev', accountId: 'acc-b', accountName: 'beta', clientAddress: '10.0.0.7', failedAt: now } },
        { now },
      ),
      recorded('identity.loginfailure-f-2', { type: 'LoginFailed', data: { via: 'registry', login: 'ghost', clientAddress: '10.0.0.8', failedAt: now } }, { now }),
    ]);
    expect(named).toMatchObject({
      accountId: 'acc-b',
      operation: 'LoginFailed',
      outcome: 'failure',
      resourceType: 'user',
      resource: 'dev',
      userId: 'u-2',
      userName: 'dev',
      actorAccountName: 'beta',
      clientAddress: '10.0.0.7',
      details: { via: 'keystone', login: 'dev' },
    });
    expect(nobody).toMatchObject({ operation: 'LoginFailed', resource: 'ghost', userName: 'ghost', clientAddress: '10.0.0.8' });
    expect(nobody).not.toHaveProperty('accountId');
  });

  it("leaves out what the system records on its own: events without an actor", () => {
    expect(
      entries([
        recorded('identity.signingkey-generation-1', { type: 'SigningKeyGenerated', data: { kid: 'k', generation: 1 } }, { now }),
        recorded('catalog.repository-team/app', { type: 'PullsRecorded', data: { repository: 'team/app', count: 3, recordedAt: now } }, { now }),
      ]),
    ).toEqual([]);
  });
});
