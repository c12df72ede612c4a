import { randomUUID } from 'node:crypto';
import { ClientProxy, Server, type CustomTransportStrategy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { toErrorEnvelope, DomainError } from '@wharf/contracts';

/** Delivers one serialised request to a subscriber and hands back its serialised reply. */
type RawHandler = (request: string, reply: (response: string) => void) => void;

/**
 * The embedded mode's message bus. Messages cross it as JSON text, exactly as they cross NATS, so a handler
 * that works here cannot depend on sharing objects with its caller. Several servers may subscribe to one
 * subject (like a NATS queue group); requests go round-robin.
 */
export class InProcessBus {
  private readonly subscribers = new Map<string, RawHandler[]>();
  private readonly next = new Map<string, number>();

  subscribe(subject: string, handler: RawHandler): () => void {
    this.subscribers.set(subject, [...(this.subscribers.get(subject) ?? []), handler]);
    return () => this.subscribers.set(subject, (this.subscribers.get(subject) ?? []).filter((h) => h !== handler));
  }

  /** Returns false when nobody subscribes to the subject (NATS: "no responders"). */
  request(subject: string, request: string, reply: (response: string) => void): boolean {
    const handlers = this.subscribers.get(subject) ?? [];
    if (handlers.length === 0) return false;
    const index = (this.next.get(subject) ?? 0) % handlers.length;
    this.next.set(subject, index + 1);
    // Deliver on a later tick, as a network transport would: the caller never runs inside the handler.
    setImmediate(() => handlers[index]!(request, reply));
    return true;
  }
}

/** Nest server strategy over the in-process bus: serves the same @MessagePattern handlers as the NATS server. */
export class InProcessServer extends Server implements CustomTransportStrategy {
  private unsubscribes: Array<() => void> = [];
  private inFlight = new Set<Promise<unknown>>();

  constructor(private readonly bus: InProcessBus) {
    super();
  }

  listen(callback: () => void): void {
    for (const [subject, handler] of this.messageHandlers) {
      if (handler.isEventHandler) continue;
      this.unsubscribes.push(
        this.bus.subscribe(subject, (raw, reply) => {
          const work = this.handle(raw, handler, reply);
          this.inFlight.add(work);
          void work.finally(() => this.inFlight.delete(work));
        }),
      );
    }
    callback();
  }

  /** Stops taking requests, then waits for the ones under way to be answered. */
  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.unsubscribes = [];
    await Promise.allSettled([...this.inFlight]);
  }

  on(): never {
    throw new Error('The in-process transport has no status events');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  private async handle(raw: string, handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>, reply: (r: string) => void) {
    const packet = JSON.parse(raw) as ReadPacket & { id: string };
    const respond = (response: WritePacket) => reply(JSON.stringify({ ...response, id: packet.id }));
    try {
      const response$ = this.transformToObservable(await handler(packet.data, undefined));
      await new Promise<void>((resolve) => {
        this.send(response$, (data) => {
          respond(data);
          if (data.isDisposed) resolve();
        });
      });
    } catch (error) {
      respond({ err: toErrorEnvelope(error), isDisposed: true });
    }
  }
}

/** Nest client over the in-process bus. */
export class InProcessClient extends ClientProxy {
  constructor(private readonly bus: InProcessBus) {
    super();
  }

  async connect(): Promise<void> {}

  close(): void {}

  unwrap<T>(): T {
    return this.bus as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const subject = this.normalizePattern(packet.pattern);
    const outgoing = { id: randomUUID(), pattern: subject, data: packet.data as unknown };
    let disposed = false;
    const delivered = this.bus.request(subject, JSON.stringify(outgoing), (raw) => {
      if (!disposed) callback(JSON.parse(raw) as WritePacket);
    });
    if (!delivered) {
      const envelope = toErrorEnvelope(new DomainError('PLATFORM.UNAVAILABLE', { subject }));
      setImmediate(() => callback({ err: envelope, isDisposed: true }));
    }
    return () => {
      disposed = true;
    };
  }

  protected async dispatchEvent(): Promise<never> {
    throw new Error('Wharf sends no fire-and-forget events over the transport: events live in the event store');
  }
}
