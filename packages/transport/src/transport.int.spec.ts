import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, type ClientProxy, type CustomStrategy, type NatsOptions } from '@nestjs/microservices';
import { DomainError, rpc } from '@wharf/contracts';
import { startNatsServer, type RunningNatsServer } from '@wharf/testing';
import { z } from 'zod';
import { InProcessBus, InProcessClient, InProcessServer } from './in-process';
import { createNatsClient, natsServerOptions } from './nats';
import { RpcErrorFilter } from './rpc-error.filter';
import { SchemaPipe } from './schema.pipe';
import { ServiceClient } from './service-client';

const Echo = rpc('test.echo', z.object({ text: z.string(), when: z.string().optional() }), z.object({ text: z.string(), seen: z.unknown() }));
const Fail = rpc('test.fail', z.object({ kind: z.enum(['domain', 'crash']) }), z.object({}));
const Slow = rpc('test.slow', z.object({ ms: z.number() }), z.object({ done: z.literal(true) }));
const Missing = rpc('test.nobody-listens', z.object({}), z.object({}));
const BadReply = rpc('test.bad-reply', z.object({}), z.object({ mustBeNumber: z.number() }));

@Controller()
class TestHandlers {
  @MessagePattern(Echo.subject)
  echo(@Payload(new SchemaPipe(Echo.request)) request: z.output<typeof Echo.request>, @Payload() raw: unknown) {
    return { text: request.text.toUpperCase(), seen: raw };
  }

  @MessagePattern(Fail.subject)
  fail(@Payload(new SchemaPipe(Fail.request)) { kind }: z.output<typeof Fail.request>) {
    if (kind === 'domain') throw new DomainError('CATALOG.NAMESPACE_NOT_FOUND', { name: 'x' });
    throw new Error('secret internals at /srv/app.js:12');
  }

  @MessagePattern(Slow.subject)
  async slow(@Payload() { ms }: { ms: number }) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { done: true };
  }

  @MessagePattern(BadReply.subject)
  badReply() {
    return { mustBeNumber: 'nope' };
  }
}

@Module({ controllers: [TestHandlers] })
class TestModule {}

interface Harness {
  client: ServiceClient;
  server: INestMicroservice;
  stop(): Promise<void>;
}

const startHarness = async (transport: NatsOptions | CustomStrategy, proxy: ClientProxy): Promise<Harness> => {
  const server = await NestFactory.createMicroservice(TestModule, { ...transport, logger: false });
  server.useGlobalFilters(new RpcErrorFilter());
  await server.listen();
  const client = new ServiceClient(proxy, 3000);
  return {
    client,
    server,
    stop: async () => {
      await client.close();
      await server.close();
    },
  };
};

const transportContract = (name: string, open: () => Promise<Harness>) =>
  describe(`transport contract: ${name}`, () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await open();
    });
    afterAll(async () => {
      await harness.stop();
    });

    it('carries a request to its @MessagePattern handler and the reply back, as JSON', async () => {
      const reply = await harness.client.call(Echo, { text: 'hi', when: new Date(0).toISOString() });
      expect(reply).toEqual({ text: 'HI', seen: { text: 'hi', when: '1970-01-01T00:00:00.000Z' } });
    });

    it('serves concurrent requests independently', async () => {
      const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => harness.client.call(Echo, { text: `m${i}` })));
      expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 50 }, (_, i) => `M${i}`));
    });

    it('brings a domain error across as the same DomainError', async () => {
      const failure = harness.client.call(Fail, { kind: 'domain' });
      await expect(failure).rejects.toBeInstanceOf(DomainError);
      await expect(failure).rejects.toMatchObject({ code: 'CATALOG.NAMESPACE_NOT_FOUND', details: { name: 'x' } });
    });

    it('turns an unexpected error into INTERNAL without leaking its message or stack', async () => {
      const failure = harness.client.call(Fail, { kind: 'crash' });
      await expect(failure).rejects.toMatchObject({ code: 'PLATFORM.INTERNAL', details: {} });
      await failure.catch((error: DomainError) => expect(error.message).not.toContain('secret'));
    });

    it('rejects a payload that does not match the contract with VALIDATION_FAILED', async () => {
      await expect(harness.client.call(Echo, { text: 42 } as never)).rejects.toMatchObject({
        code: 'PLATFORM.VALIDATION_FAILED',
        details: { path: 'text' },
      });
    });

    it('refuses a reply that does not match the contract', async () => {
      await expect(harness.client.call(BadReply, {})).rejects.toMatchObject({ code: 'PLATFORM.INTERNAL' });
    });

    it('reports a subject nobody serves as UNAVAILABLE', async () => {
      await expect(harness.client.call(Missing, {})).rejects.toMatchObject({ code: 'PLATFORM.UNAVAILABLE' });
    });

    it('reports a handler slower than the client timeout as TIMEOUT', async () => {
      await expect(harness.client.call(Slow, { ms: 3500 })).rejects.toMatchObject({ code: 'PLATFORM.TIMEOUT' });
    });
  });

transportContract('in-process', async () => {
  const bus = new InProcessBus();
  return startHarness({ strategy: new InProcessServer(bus) }, new InProcessClient(bus));
});

describe('over a real nats-server', () => {
  let nats: RunningNatsServer;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => {
    await nats.stop();
  });
  transportContract('nats', async () => startHarness(natsServerOptions(nats.url, 'test'), createNatsClient(nats.url, 'test')));
});

describe('in-process server shutdown', () => {
  it('answers requests under way before close resolves, and takes no new ones', async () => {
    const bus = new InProcessBus();
    const harness = await startHarness({ strategy: new InProcessServer(bus) }, new InProcessClient(bus));
    const inFlight = harness.client.call(Slow, { ms: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await harness.server.close();
    await expect(inFlight).resolves.toEqual({ done: true });
    await expect(harness.client.call(Echo, { text: 'late' })).rejects.toMatchObject({ code: 'PLATFORM.UNAVAILABLE' });
    await harness.client.close();
  });
});
