import { ClientProxyFactory, Transport, type NatsOptions } from '@nestjs/microservices';
import type { ClientProxy } from '@nestjs/microservices';

/** Options for a service's NATS server: one queue group per service, so replicas share the load. */
export const natsServerOptions = (url: string, service: string): NatsOptions => ({
  transport: Transport.NATS,
  options: { servers: [url], queue: service, name: `wharf-${service}`, gracePeriod: 10000 },
});

export const createNatsClient = (url: string, name: string): ClientProxy =>
  ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [url], name: `wharf-${name}-client` } });
