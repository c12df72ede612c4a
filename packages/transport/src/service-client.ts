import type { ClientProxy } from '@nestjs/microservices';
import { DomainError, fromErrorEnvelope, isErrorEnvelope, type Rpc, type RpcReply, type RpcRequest } from '@wharf/contracts';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

/**
 * Typed request/reply over any Nest transport: the subject and both schemas come from one contract,
 * replies are validated, and failures come back as DomainErrors whatever the transport.
 */
export class ServiceClient {
  constructor(
    private readonly proxy: ClientProxy,
    private readonly timeoutMs = 15000,
  ) {}

  async call<R extends Rpc>(definition: R, request: RpcRequest<R>): Promise<RpcReply<R>> {
    let raw: unknown;
    try {
      raw = await firstValueFrom(this.proxy.send<unknown>(definition.subject, request).pipe(timeout(this.timeoutMs)));
    } catch (error) {
      throw toDomainError(error, definition.subject);
    }
    const parsed = definition.reply.safeParse(raw);
    if (!parsed.success) {
      throw new DomainError('PLATFORM.INTERNAL', { subject: definition.subject }, `Malformed reply on ${definition.subject}`);
    }
    return parsed.data as RpcReply<R>;
  }

  async close(): Promise<void> {
    await this.proxy.close();
  }
}

const toDomainError = (error: unknown, subject: string): DomainError => {
  if (error instanceof DomainError) return error;
  if (isErrorEnvelope(error)) return fromErrorEnvelope(error);
  if (error instanceof TimeoutError) return new DomainError('PLATFORM.TIMEOUT', { subject });
  // NATS reports a missing subscriber as a "503" / no-responders error, and a dropped connection as others.
  return new DomainError('PLATFORM.UNAVAILABLE', { subject });
};
