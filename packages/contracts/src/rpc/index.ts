import { z } from 'zod';

/**
 * One request/reply message between services: its subject and the schemas of both directions.
 * Both sides use the same definition, so a message shape is written exactly once.
 */
export interface Rpc<Request extends z.ZodTypeAny = z.ZodTypeAny, Reply extends z.ZodTypeAny = z.ZodTypeAny> {
  subject: string;
  request: Request;
  reply: Reply;
}

export const rpc = <Request extends z.ZodTypeAny, Reply extends z.ZodTypeAny>(
  subject: string,
  request: Request,
  reply: Reply,
): Rpc<Request, Reply> => ({ subject, request, reply });

export type RpcRequest<R extends Rpc> = z.input<R['request']>;
export type RpcReply<R extends Rpc> = z.output<R['reply']>;

/** Every service answers its health subject: `<service>.health`. */
export const HealthReply = z.object({
  service: z.string(),
  status: z.enum(['ok', 'degraded']),
  projections: z.array(z.object({ name: z.string(), checkpoint: z.number() })),
});
export type HealthReply = z.infer<typeof HealthReply>;

export const SERVICES = ['identity', 'catalog', 'access', 'lifecycle', 'registry'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const healthRpc = (service: ServiceName) => rpc(`${service}.health`, z.object({}), HealthReply);
