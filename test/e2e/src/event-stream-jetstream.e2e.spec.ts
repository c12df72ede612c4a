import type { PublicCloudEvent } from '@wharf/contracts/events';
import { CloudEvent } from 'cloudevents';
import { AckPolicy, connect, type Consumer, type NatsConnection } from 'nats';
import { adminToken, http } from './http';
import { createNamespace, OciHttp } from './oci-http';
import { WharfProcesses } from './wharf-processes';

interface Received {
  subject: string;
  msgId: string | undefined;
  event: PublicCloudEvent;
}

/**
 * The public event stream in distributed mode: lifecycle's relay publishes every event of a scripted scenario to
 * JetStream (`wharf.events.<name>`, Nats-Msg-Id = the CloudEvent id), a durable consumer sees them in order per
 * repository, and after kill -9 of lifecycle the relay resumes from its checkpoint: nothing lost, and any
 * repeat carries an id already seen.
 */
describe('public event stream on JetStream (distributed)', () => {
  let wharf: WharfProcesses;
  let nats: NatsConnection;
  let consumer: Consumer;
  let admin: string;
  let oci: OciHttp;
  const received: Received[] = [];

  const tagOf = (event: PublicCloudEvent) => (event.data as { tag?: string }).tag;
  /** The account's events from the HTTP feed, long-polling until the journal holds the tag event `lastTag`. */
  const feedThrough = async (lastTag: string): Promise<PublicCloudEvent[]> => {
    const events: PublicCloudEvent[] = [];
    for (let after = 0, attempt = 0; attempt < 10 && !events.some((event) => tagOf(event) === lastTag); attempt++) {
      const page = await http<{ events: PublicCloudEvent[]; next: number }>(`${wharf.apiUrl}/v1/events?after=${after}&limit=1000&timeout=10`, {
        headers: { 'X-Auth-Token': admin },
      });
      expect(page.status).toBe(200);
      events.push(...page.body.events);
      after = page.body.next;
    }
    return events;
  };
  /** Reads from the durable consumer until every id in `wanted` has come (bounded, so a loss fails the test). */
  const consumeUntil = async (wanted: readonly string[]) => {
    const missing = () => wanted.filter((id) => !received.some((entry) => entry.event.id === id));
    for (let attempt = 0; attempt < 60 && missing().length > 0; attempt++) {
      const message = await consumer.next({ expires: 1000 });
      if (!message) continue;
      received.push({ subject: message.subject, msgId: message.headers?.get('Nats-Msg-Id'), event: message.json<PublicCloudEvent>() });
      message.ack();
    }
    expect(missing()).toEqual([]);
  };

  beforeAll(async () => {
    wharf = await WharfProcesses.start('distributed');
    oci = new OciHttp(wharf.registryUrl);
    admin = await adminToken(wharf.apiUrl);
    nats = await connect({ servers: wharf.natsUrl! });
    const manager = await nats.jetstreamManager();
    // The relay creates the stream at start-up; a durable consumer reads it from the beginning.
    await manager.consumers.add('WHARF_EVENTS', { durable_name: 'e2e-consumer', ack_policy: AckPolicy.Explicit, filter_subject: 'wharf.events.>' });
    consumer = await nats.jetstream().consumers.get('WHARF_EVENTS', 'e2e-consumer');
  }, 180000);
  afterAll(async () => {
    await nats?.close();
    await wharf?.stop();
  });

  it('delivers every event of the scenario, as CloudEvents on their subjects, in order per repository', async () => {
    await createNamespace(wharf.apiUrl, admin, 'stream');
    const { token } = await oci.token(['repository:stream/app:pull,push,delete']);
    const first = await oci.pushImage('stream/app', 'v1', token, 'first');
    await oci.pushImage('stream/app', 'v1', token, 'second');
    expect((await oci.request('DELETE', '/v2/stream/app/manifests/v1', { token })).status).toBe(202);
    expect((await oci.request('DELETE', `/v2/stream/app/manifests/${first.digest}`, { token })).status).toBe(202);
    await oci.pushImage('stream/app', 'last', token, 'last of the scenario');

    const expected = await feedThrough('last');
    expect(expected.filter((event) => event.subject === 'stream/app').map((event) => event.type)).toEqual([
      'io.wharf.repository.created.v1',
      'io.wharf.artifact.pushed.v1',
      'io.wharf.tag.created.v1',
      'io.wharf.artifact.pushed.v1',
      'io.wharf.tag.moved.v1',
      'io.wharf.tag.deleted.v1',
      'io.wharf.artifact.deleted.v1',
      'io.wharf.artifact.pushed.v1',
      'io.wharf.tag.created.v1',
    ]);
    await consumeUntil(expected.map((event) => event.id));

    for (const { subject, msgId, event } of received) {
      expect(new CloudEvent(event as never, true).validate()).toBe(true);
      expect(subject).toBe(`wharf.events.${event.type.replace(/^io\.wharf\./, '').replace(/\.v\d+$/, '')}`);
      expect(msgId).toBe(event.id);
    }
    const order = (events: readonly PublicCloudEvent[]) => events.filter((event) => event.subject === 'stream/app').map((event) => event.id);
    expect(order(received.map((entry) => entry.event))).toEqual(order(expected));
  }, 90000);

  it('resumes from the relay checkpoint after kill -9 of lifecycle: nothing lost, repeats recognisable by id', async () => {
    await wharf.kill('lifecycle');
    const { token } = await oci.token(['repository:stream/app:pull,push']);
    await oci.pushImage('stream/app', 'while-down', token, 'pushed while lifecycle was down');
    await wharf.restart('lifecycle');
    await oci.pushImage('stream/app', 'after-restart', token, 'pushed after the restart');

    const expected = await feedThrough('after-restart');
    await consumeUntil(expected.map((event) => event.id));
    const tags = received.map(({ event }) => tagOf(event)).filter((tag) => tag !== undefined);
    expect(tags).toEqual(expect.arrayContaining(['while-down', 'after-restart']));
    // At-least-once: a repeat is the same event (same id, same content), never a new one.
    const byId = new Map<string, PublicCloudEvent>();
    for (const { event } of received) {
      if (byId.has(event.id)) expect(event).toEqual(byId.get(event.id));
      byId.set(event.id, event);
    }
    expect([...byId.keys()].sort()).toEqual(expected.map((event) => event.id).sort());
  }, 120000);
});
