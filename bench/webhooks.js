'use strict';
// Triggers and the public event stream, each against a baseline from the same run:
//   push-to-delivery  embedded Wharf, 10 webhook triggers on one repository, manifest pushes at 50/s; latency from
//                     each push's acknowledgement to each receiver's arrival (p50/p99 over every delivery)
//   push rate         manifest pushes as fast as 8 clients go, into a repository with 10 webhooks vs one with none
//                     (goal: at least 0.95 of the rate without)
//   JetStream relay   the lifecycle journal and relay classes in this process over a real nats-server: events/s
//                     relaying a backlog (goal: at least 10,000/s), then the lag from append to a JetStream consumer
//                     while events arrive at the rate 50 pushes/s make
// Every loop is bounded in count and time. The machine may be shared: the load average is printed beside the figures.
const { createHash } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const http = require('node:http');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');
const { request, freePort, startProcess, waitFor, fmt, table, percentile } = require('./lib');

const ROOT = join(__dirname, '..');
const WEBHOOKS = 10;
const RATE = 50;
const PACED_PUSHES = 500;
const GENTLE_RATE = 10;
const GENTLE_PUSHES = 200;
const RATE_PUSHES = 400;
const RATE_ROUNDS = 2;
const RATE_CONCURRENCY = 8;
const RELAY_BACKLOG = 50000;
const LAG_SECONDS = 10;

const sha256 = (content) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A receiver for every webhook, in a process of its own: records when each tag first reached each hook (in
 * milliseconds since the epoch, `performance.timeOrigin + performance.now()`, comparable across processes), answers 200.
 */
const receiverScript = `
  const http = require('node:http');
  const arrivals = {};
  http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      if (req.url === '/arrivals') return res.writeHead(200).end(JSON.stringify(arrivals));
      const key = req.url.split('/').pop() + ' ' + JSON.parse(Buffer.concat(chunks).toString()).data.tag;
      if (!(key in arrivals)) arrivals[key] = at;
      res.writeHead(200).end();
    });
  }).listen(Number(process.env.PORT), '127.0.0.1');
`;
const now = () => performance.timeOrigin + performance.now();
const startReceiver = async () => {
  const port = await freePort();
  const child = startProcess(['-e', receiverScript], { PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await request(`${url}/arrivals`)).status === 200, 10000, 'the receiver');
  return { url, arrivals: async () => JSON.parse((await request(`${url}/arrivals`)).body), close: () => child.stop() };
};

const startWharf = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-bench-webhooks-'));
  const [apiPort, registryPort] = [await freePort(), await freePort()];
  const wharf = startProcess([join(ROOT, 'apps/wharf/dist/main.js')], {
    WHARF_DATA_DIR: dataDir,
    WHARF_API_PORT: String(apiPort),
    WHARF_REGISTRY_PORT: String(registryPort),
    WHARF_ADMIN_PASSWORD: 'bench-password',
    WHARF_LOG_LEVEL: 'warn',
    WHARF_WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  const api = `http://127.0.0.1:${apiPort}`;
  const registry = `http://127.0.0.1:${registryPort}`;
  await waitFor(async () => (await request(`${api}/healthz`)).status === 200, 60000, 'wharf to start');
  const login = await request(`${api}/v3/auth/tokens`, {
    method: 'POST',
    body: { auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password: 'bench-password' } } } } },
  });
  const auth = { 'x-auth-token': login.headers['x-subject-token'] };
  return {
    api,
    registry,
    auth,
    stop: async () => {
      await wharf.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** A repository with its config and layer uploaded, and a function that pushes a new manifest under a tag. */
const preparePushes = async (wharf, repository) => {
  const service = new URL(wharf.registry).host;
  const query = new URLSearchParams({ service, scope: `repository:${repository}:pull,push` });
  const tokenAnswer = await request(`${wharf.registry}/auth/token?${query}`, { headers: { authorization: `Basic ${Buffer.from('admin:bench-password').toString('base64')}` } });
  const token = JSON.parse(tokenAnswer.body).token;
  const bearer = { authorization: `Bearer ${token}` };
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const layer = `bench layer of ${repository}`;
  for (const blob of [config, layer]) {
    const answer = await request(`${wharf.registry}/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(blob) },
      body: blob,
    });
    if (answer.status !== 201) throw new Error(`blob upload: ${answer.status} ${answer.body}`);
  }
  return (tag) => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: Buffer.byteLength(config) },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: Buffer.byteLength(layer) }],
      annotations: { tag },
    });
    return request(`${wharf.registry}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
  };
};

const createRepository = async (wharf, namespace, name) => {
  const answer = await request(`${wharf.api}/v2/manage/namespaces/${namespace}/repos`, { method: 'POST', headers: wharf.auth, body: { repository: name, is_public: false, category: 'other' } });
  if (answer.status !== 201) throw new Error(`repository ${name}: ${answer.status} ${answer.body}`);
};

const addWebhooks = async (wharf, namespace, name, receiverUrl) => {
  for (let i = 0; i < WEBHOOKS; i++) {
    const answer = await request(`${wharf.api}/v2/manage/namespaces/${namespace}/repos/${name}/triggers`, {
      method: 'POST',
      headers: wharf.auth,
      body: { name: `hook-${i}`, enable: 'true', action: 'update', trigger_mode: 'webhook', trigger_type: 'all', condition: '.*', webhook: { url: `${receiverUrl}/hooks/${name}-${i}`, format: 'cloudevents' } },
    });
    if (answer.status !== 201) throw new Error(`trigger: ${answer.status} ${answer.body}`);
  }
};

/** Pushes `count` manifests at `perSecond`; answers each acknowledged tag's send and acknowledgement times. */
const pacedPushes = async (push, prefix, count, perSecond) => {
  const acknowledged = new Map();
  const statuses = {};
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const tag = `${prefix}${i}`;
    const sent = now();
    inFlight.push(
      push(tag).then((answer) => {
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status === 201) acknowledged.set(tag, { sent, acknowledged: now() });
      }),
    );
  }
  await Promise.all(inFlight);
  return { acknowledged, statuses, seconds: (performance.now() - started) / 1000 };
};

/** Manifest pushes as fast as `concurrency` clients go; answers pushes per second. */
const pushRate = async (push, prefix, count, concurrency) => {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const answer = await push(`${prefix}${next++}`);
        if (answer.status !== 201) failures++;
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), failures };
};

/** Waits (bounded) for every acknowledged push to reach every hook; answers latencies from sending and from acknowledgement. */
const latencies = async (receiver, acknowledged, repository, earlier) => {
  const expected = acknowledged.size * WEBHOOKS;
  const deadline = Date.now() + 180000;
  let arrivals = await receiver.arrivals();
  while (Object.keys(arrivals).length < earlier + expected && Date.now() < deadline) {
    await sleep(500);
    arrivals = await receiver.arrivals();
  }
  const fromPush = [];
  const fromAck = [];
  for (const [tag, times] of acknowledged) {
    for (let i = 0; i < WEBHOOKS; i++) {
      const arrived = arrivals[`${repository}-${i} ${tag}`];
      if (arrived === undefined) continue;
      fromPush.push(arrived - times.sent);
      fromAck.push(arrived - times.acknowledged);
    }
  }
  return { expected, fromPush: fromPush.sort((a, b) => a - b), fromAck: fromAck.sort((a, b) => a - b) };
};

const deliveryBench = async (log) => {
  const receiver = await startReceiver();
  const wharf = await startWharf();
  try {
    for (const namespace of ['hooks']) {
      const answer = await request(`${wharf.api}/v2/manage/namespaces`, { method: 'POST', headers: wharf.auth, body: { namespace } });
      if (answer.status !== 201) throw new Error(`namespace: ${answer.status}`);
    }
    await createRepository(wharf, 'hooks', 'plain');
    await createRepository(wharf, 'hooks', 'hooked');
    await addWebhooks(wharf, 'hooks', 'hooked', receiver.url);
    const pushPlain = await preparePushes(wharf, 'hooks/plain');
    const pushHooked = await preparePushes(wharf, 'hooks/hooked');
    // Warm-up, not measured.
    await pushRate(pushPlain, 'warm-', 100, RATE_CONCURRENCY);

    const loadBefore = load();
    // Baseline: the same paced pushes into the repository without webhooks.
    const pacedPlain = await pacedPushes(pushPlain, 'paced-', PACED_PUSHES, RATE);
    await sleep(3000);
    const paced = await pacedPushes(pushHooked, 'paced-', PACED_PUSHES, RATE);
    const latency = await latencies(receiver, paced.acknowledged, 'hooked', 0);
    const loadPaced = load();
    // The same below saturation, where the latency is the pipeline's own rather than the queue's.
    const gentle = await pacedPushes(pushHooked, 'gentle-', GENTLE_PUSHES, GENTLE_RATE);
    const gentleLatency = await latencies(receiver, gentle.acknowledged, 'hooked', paced.acknowledged.size * WEBHOOKS);

    // Push rate: without webhooks and with them in turn, each hooked run's deliveries done before the next run (the
    // spread of the runs without webhooks shows the machine's noise).
    let delivered = (paced.acknowledged.size + gentle.acknowledged.size) * WEBHOOKS;
    const plainRuns = [];
    const hookedRuns = [];
    for (let round = 0; round < RATE_ROUNDS; round++) {
      await sleep(2000);
      plainRuns.push(await pushRate(pushPlain, `rate-plain-${round}-`, RATE_PUSHES, RATE_CONCURRENCY));
      hookedRuns.push(await pushRate(pushHooked, `rate-${round}-`, RATE_PUSHES, RATE_CONCURRENCY));
      delivered += RATE_PUSHES * WEBHOOKS;
      const deadline = Date.now() + 180000;
      while (Object.keys(await receiver.arrivals()).length < delivered && Date.now() < deadline) await sleep(500);
    }
    plainRuns.push(await pushRate(pushPlain, 'rate-plain-last-', RATE_PUSHES, RATE_CONCURRENCY));
    const mean = (runs) => runs.reduce((sum, run) => sum + run.perSecond, 0) / runs.length;

    log(`\nPush to delivery, embedded mode: ${WEBHOOKS} webhook triggers (cloudevents, signed) on one repository; load ${loadBefore} before, ${loadPaced} after`);
    const answers = (run) => Object.entries(run.statuses).map(([status, count]) => `${count}x${status}`).join(' ');
    log(
      table(
        [
          { pushes: `${PACED_PUSHES} at ${RATE}/s, no webhooks`, answers: answers(pacedPlain), 'acknowledged/s': fmt(pacedPlain.acknowledged.size / pacedPlain.seconds, 1) },
          { pushes: `${PACED_PUSHES} at ${RATE}/s, ${WEBHOOKS} webhooks`, answers: answers(paced), 'acknowledged/s': fmt(paced.acknowledged.size / paced.seconds, 1) },
          { pushes: `${GENTLE_PUSHES} at ${GENTLE_RATE}/s, ${WEBHOOKS} webhooks`, answers: answers(gentle), 'acknowledged/s': fmt(gentle.acknowledged.size / gentle.seconds, 1) },
        ],
        ['pushes', 'answers', 'acknowledged/s'],
      ),
    );
    const latencyRow = (measure, values, expected) => ({
      measure,
      deliveries: `${values.length}/${expected}`,
      'p50 ms': fmt(percentile(values, 50), 1),
      'p99 ms': fmt(percentile(values, 99), 1),
      'max ms': fmt(values.at(-1), 1),
    });
    log(
      table(
        [
          latencyRow(`${RATE}/s: push sent -> delivered`, latency.fromPush, latency.expected),
          latencyRow(`${RATE}/s: push acknowledged -> delivered`, latency.fromAck, latency.expected),
          latencyRow(`${GENTLE_RATE}/s: push sent -> delivered`, gentleLatency.fromPush, gentleLatency.expected),
          latencyRow(`${GENTLE_RATE}/s: push acknowledged -> delivered`, gentleLatency.fromAck, gentleLatency.expected),
        ],
        ['measure', 'deliveries', 'p50 ms', 'p99 ms', 'max ms'],
      ),
    );
    log('(a delivery can arrive before its push is acknowledged: the registry answers once its read models show the push)');
    log(`\nManifest push rate, ${RATE_CONCURRENCY} clients, ${RATE_PUSHES} pushes a run, runs in turn (load ${load()})`);
    log(
      table(
        [
          { repository: 'no webhooks', 'pushes/s per run': plainRuns.map((run) => fmt(run.perSecond, 1)).join(' '), mean: fmt(mean(plainRuns), 1), failures: plainRuns.reduce((n, run) => n + run.failures, 0), ratio: '' },
          {
            repository: `${WEBHOOKS} webhooks`,
            'pushes/s per run': hookedRuns.map((run) => fmt(run.perSecond, 1)).join(' '),
            mean: fmt(mean(hookedRuns), 1),
            failures: hookedRuns.reduce((n, run) => n + run.failures, 0),
            ratio: fmt(mean(hookedRuns) / mean(plainRuns), 3),
          },
        ],
        ['repository', 'pushes/s per run', 'mean', 'failures', 'ratio'],
      ),
    );
    log('ratio = mean with webhooks / mean without (goal >= 0.95)');
  } finally {
    await wharf.stop();
    await receiver.close();
  }
};

/** The lifecycle's journal and JetStream relay, built from their compiled classes over stores of their own. */
const relayBench = async (log) => {
  const { startNatsServer } = require('../packages/testing/dist');
  const { getSqliteEventStore } = require('../packages/event-store-sqlite/dist');
  const { getSqliteDocumentStore } = require('../packages/read-model-sqlite/dist');
  const { EventJournal } = require('../apps/lifecycle/dist/events/event-journal');
  const { JetStreamRelay, EVENTS_STREAM } = require('../apps/lifecycle/dist/events/jetstream-relay');
  const { connect, AckPolicy, DeliverPolicy } = require('nats');

  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-relay-'));
  const nats = await startNatsServer();
  const events = getSqliteEventStore({ path: join(dir, 'events.db') });
  const documents = getSqliteDocumentStore({ path: join(dir, 'read.db') });
  const config = { publicRegistryUrl: 'http://registry.bench:5000', transport: { kind: 'nats', url: nats.url } };
  const now = new Date().toISOString();
  const digest = `sha256:${'a'.repeat(64)}`;
  const tagEvent = (i, taggedAt) => ({
    type: 'TagPointed',
    data: { repository: 'bench/app', tag: `t${i}`, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', imageSize: 1024, taggedAt },
    metadata: { now: taggedAt },
  });
  let journal;
  let relay;
  const connection = await connect({ servers: nats.url });
  try {
    await events.appendToStream('catalog.namespace-bench', [
      { type: 'NamespaceCreated', data: { id: 1, registryId: '00000000-0000-4000-8000-000000000001', name: 'bench', accountId: 'acc', creatorId: 'u', creatorName: 'u', createdAt: now }, metadata: { now } },
    ]);
    for (let i = 0; i < RELAY_BACKLOG; i += 500) {
      await events.appendToStream('catalog.repository-bench/app', Array.from({ length: 500 }, (_, j) => tagEvent(i + j, now)));
    }
    const head = await events.headPosition();
    journal = new EventJournal(events, documents, config);
    const journalStarted = performance.now();
    await journal.onApplicationBootstrap();
    while (journal.position < head) await sleep(20);
    const journalSeconds = (performance.now() - journalStarted) / 1000;

    relay = new JetStreamRelay(journal, documents, config);
    const relayStarted = performance.now();
    await relay.onApplicationBootstrap();
    const manager = await connection.jetstreamManager();
    const deadline = Date.now() + 300000;
    let published = 0;
    while (Date.now() < deadline) {
      published = (await manager.streams.info(EVENTS_STREAM)).state.messages;
      if (published >= RELAY_BACKLOG) break;
      await sleep(50);
    }
    const relaySeconds = (performance.now() - relayStarted) / 1000;

    // Lag: events appended at the rate 50 pushes/s make (an artifact.pushed and a tag.created each), read by a
    // durable JetStream consumer; lag = consumer arrival - append.
    const jetstream = connection.jetstream();
    await manager.consumers.add(EVENTS_STREAM, { durable_name: 'bench', ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.New });
    const consumer = await jetstream.consumers.get(EVENTS_STREAM, 'bench');
    const appendedAt = new Map();
    const lags = [];
    const messages = await consumer.consume();
    const reading = (async () => {
      for await (const message of messages) {
        const event = JSON.parse(message.string());
        const at = appendedAt.get(event.data.tag);
        if (at !== undefined) lags.push(performance.now() - at);
        if (lags.length >= RATE * LAG_SECONDS) break;
      }
    })();
    const lagStarted = performance.now();
    for (let i = 0; i < RATE * LAG_SECONDS; i++) {
      const due = lagStarted + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const tag = `lag${i}`;
      const at = new Date().toISOString();
      appendedAt.set(`t${tag}`, performance.now());
      const manifestDigest = `sha256:${createHash('sha256').update(tag).digest('hex')}`;
      await events.appendToStream('catalog.repository-bench/app', [
        { type: 'ManifestPushed', data: { repository: 'bench/app', manifest: { digest: manifestDigest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 512, blobs: [], children: [] }, pushedAt: at }, metadata: { now: at } },
        tagEvent(tag, at),
      ]);
    }
    await Promise.race([reading, sleep(60000)]);
    messages.stop();
    lags.sort((a, b) => a - b);
    log(`\nPublic event stream in distributed mode's JetStream relay (journal and relay in this process, real nats-server; load ${load()})`);
    log(
      table(
        [
          { measure: `journal: ${RELAY_BACKLOG} tag events mapped and recorded`, 'events/s': fmt(RELAY_BACKLOG / journalSeconds), 'p50 ms': '', 'p99 ms': '' },
          { measure: `relay: backlog published to JetStream (${published} messages)`, 'events/s': fmt(published / relaySeconds), 'p50 ms': '', 'p99 ms': '' },
          {
            measure: `lag append -> JetStream consumer, ${RATE} pushes/s (artifact.pushed + tag.created; ${lags.length} tags)`,
            'events/s': '',
            'p50 ms': fmt(percentile(lags, 50), 1),
            'p99 ms': fmt(percentile(lags, 99), 1),
          },
        ],
        ['measure', 'events/s', 'p50 ms', 'p99 ms'],
      ),
    );
    log('goal: relay >= 10,000 events/s');
  } finally {
    await relay?.beforeApplicationShutdown();
    await journal?.beforeApplicationShutdown();
    await connection.close();
    await events.close();
    await documents.close();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

const run = async ({ log = console.log } = {}) => {
  log(`load average at start: ${load()}`);
  await deliveryBench(log);
  await relayBench(log);
};

module.exports = { run };

if (require.main === module) run().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
