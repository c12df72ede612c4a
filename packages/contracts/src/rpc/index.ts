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

/** One dependency of a service's readiness: `up`, or `down` with the reason. */
export const ReadinessCheckResult = z.object({ status: z.enum(['up', 'down']) }).catchall(z.unknown());
export type ReadinessCheckResult = z.infer<typeof ReadinessCheckResult>;

/** Every service answers its readiness subject, `<service>.readiness`: ready when each of its dependencies is up. */
export const ReadinessReply = z.object({
  service: z.string(),
  ready: z.boolean(),
  checks: z.record(z.string(), ReadinessCheckResult),
});
export type ReadinessReply = z.infer<typeof ReadinessReply>;

export const readinessRpc = (service: ServiceName) => rpc(`${service}.readiness`, z.object({}), ReadinessReply);
