import type { RecordedEvent } from '@wharf/event-store';
import type { UserEvent } from './user.decider';
import { usersProjection, type UserDocument } from './users.projection';

const at = '2026-11-23T10:00:00.000Z';
let position = 0;
const recorded = (streamName: string, event: UserEvent): RecordedEvent<UserEvent> => ({ ...event, id: `e-${++position}`, streamName, revision: 0, position, metadata: {} });

const replay = (events: RecordedEvent<UserEvent>[]): Map<string, UserDocument> => {
  const docs = new Map<string, UserDocument>();
  for (const event of events) {
    for (const id of usersProjection.documentIds(event)) {
      const next = usersProjection.evolve(docs.get(id) ?? null, event, id);
      if (next) docs.set(id, next);
      else docs.delete(id);
    }
  }
  return docs;
};

const created = (userId: string, name: string, accountId: string) =>
  ({ type: 'UserCreated', data: { userId, name, accountId, accountName: accountId, systemAccount: false, accountAdmin: false, passwordHash: 'h', createdAt: at } }) as const;

describe('users projection', () => {
  it('replays users of streams keyed by name alone (before names were per account) next to per-account ones', () => {
    const docs = replay([
      recorded('identity.user-admin', created('u-1', 'admin', 'a-1')),
      recorded('identity.user-admin', { type: 'PasswordChanged', data: { userId: 'u-1', name: 'admin', passwordHash: 'h2', changedAt: at } }),
      recorded('identity.user-a-2.admin', created('u-2', 'admin', 'a-2')),
    ]);
    expect([...docs.values()].map(({ id, name, accountId, stream, passwordHash }) => ({ id, name, accountId, stream, passwordHash }))).toEqual([
      { id: 'u-1', name: 'admin', accountId: 'a-1', stream: 'identity.user-admin', passwordHash: 'h2' },
      { id: 'u-2', name: 'admin', accountId: 'a-2', stream: 'identity.user-a-2.admin', passwordHash: 'h' },
    ]);
  });

  it('forgets a deleted user and keeps the one re-created under its name apart', () => {
    const docs = replay([
      recorded('identity.user-dev', created('u-1', 'dev', 'a-1')),
      recorded('identity.user-dev', { type: 'UserDeleted', data: { userId: 'u-1', name: 'dev', accountId: 'a-1', deletedAt: at } }),
      recorded('identity.user-a-1.dev', created('u-3', 'dev', 'a-1')),
      recorded('identity.user-a-1.dev', { type: 'UserUpdated', data: { userId: 'u-3', name: 'dev', enabled: false, description: 'd', updatedAt: at } }),
    ]);
    expect([...docs.keys()]).toEqual(['u-3']);
    expect(docs.get('u-3')).toMatchObject({ stream: 'identity.user-a-1.dev', enabled: false, description: 'd' });
  });
});
