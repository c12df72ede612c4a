import { QuotaStreams } from '@wharf/contracts/catalog';
import { getInMemoryEventStore, type EventStore } from '@wharf/event-store';
import type { CommandRunner } from '@wharf/platform';
import type { QuotaReserved } from './quota-reservation.decider';
import { QuotaReservations } from './quota-reservations';
import type { Quotas } from './quotas';

const stream = QuotaStreams.reservations + 'acc-1';

/** Read models that show a name once its creation has run, with room for everything. */
const readModels = (created: Set<string>): Quotas =>
  ({
    limitsOf: async () => ({ namespace: 100, repository: 100, tag: 100 }),
    present: async (_key: string, names: readonly string[]) => names.filter((name) => created.has(name)),
    used: async () => created.size,
    catchUp: async () => undefined,
    namespacesOf: async () => [...created],
  }) as unknown as Quotas;

const clock = { now: () => new Date().toISOString() } as unknown as CommandRunner;

describe('quota reservations', () => {
  let events: EventStore;
  let created: Set<string>;
  let reservations: QuotaReservations;
  const create = (name: string) => () => Promise.resolve(void created.add(name));
  const recorded = async () => (await events.readStream(stream)).map((event) => ({ type: event.type, data: event.data as QuotaReserved['data'] }));

  beforeEach(() => {
    events = getInMemoryEventStore();
    created = new Set();
    reservations = new QuotaReservations(events, clock, readModels(created));
  });

  it('settles a finished creation with the next reservation, which leaves it off its list, not with an event of its own', async () => {
    await reservations.holding('acc-1', 'tag', 'a', create('a'));
    await reservations.holding('acc-1', 'tag', 'b', create('b'));
    const [first, second, ...rest] = await recorded();
    expect([first?.type, second?.type, rest]).toEqual(['QuotaReserved', 'QuotaReserved', []]);
    expect(second!.data.underWay.map((pending) => pending.name)).toEqual(['b']);
    // The last one is settled on its own once the service stops.
    await reservations.beforeApplicationShutdown();
    expect((await recorded()).map((event) => event.type)).toEqual(['QuotaReserved', 'QuotaReserved', 'QuotaReservationSettled']);
  });

  it('reads back past many settlements to the newest reservation', async () => {
    let finish = () => {};
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    // Another process's creation under way, which only the reservations' lists carry.
    const elsewhere = new QuotaReservations(events, clock, readModels(created));
    void elsewhere.holding('acc-1', 'tag', 'x', () => new Promise(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const names = ['a', 'b', 'c', 'd', 'e'];
    const holdings = names.map((name) => reservations.holding('acc-1', 'tag', name, () => finishing.then(() => void created.add(name))));
    // Every reservation is made before any creation ends: each lists the ones before it as under way.
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await Promise.all(holdings);
    await reservations.beforeApplicationShutdown();
    expect((await recorded()).map((event) => event.type)).toEqual(['QuotaReserved', ...names.map(() => 'QuotaReserved'), ...names.map(() => 'QuotaReservationSettled')]);
    await reservations.holding('acc-1', 'tag', 'f', create('f'));
    expect((await recorded()).at(-1)!.data.underWay.map((pending) => pending.name)).toEqual(['x', 'f']);
  });

  it('settles a creation that no reservation follows after a second', async () => {
    await reservations.holding('acc-1', 'tag', 'a', create('a'));
    expect((await recorded()).map((event) => event.type)).toEqual(['QuotaReserved']);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await recorded()).map((event) => event.type)).toEqual(['QuotaReserved', 'QuotaReservationSettled']);
  });

  it('settles a failed creation before its caller hears of the failure', async () => {
    await expect(reservations.holding('acc-1', 'tag', 'a', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect((await recorded()).map((event) => event.type)).toEqual(['QuotaReserved', 'QuotaReservationSettled']);
  });

  it('closes an account right after a namespace of it was created and deleted', async () => {
    await reservations.holding('acc-1', 'namespace', 'ns', create('ns'));
    created.delete('ns');
    await reservations.close('acc-1');
    expect((await recorded()).map((event) => event.type)).toEqual(['QuotaReserved', 'QuotaReservationSettled', 'AccountClosed']);
  });
});
