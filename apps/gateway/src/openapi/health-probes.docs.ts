import { applyDecorators } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthProbesController } from '@wharf/health';
import { z } from 'zod';
import { Returns } from './responses';

/** Terminus's answer: each dependency under `info` (up) or `error` (down), all of them under `details`. */
const Indicators = z.record(z.string(), z.object({ status: z.enum(['up', 'down']) }).catchall(z.unknown()));
const ProbeBody = z.object({ status: z.enum(['ok', 'error', 'shutting_down']), info: Indicators.optional(), error: Indicators.optional(), details: Indicators });

let documented = false;

/**
 * `/livez` and `/readyz` come from `@wharf/health`, which the gateway mounts and which knows nothing of OpenAPI;
 * their documentation is written onto its controller here, once.
 */
export const documentHealthProbes = (): void => {
  if (documented) return;
  documented = true;
  ApiTags('Health')(HealthProbesController);
  const probes: Array<[keyof HealthProbesController & string, string]> = [
    ['livez', 'The process answers'],
    ['readyz', 'NATS (distributed mode), every service (event store, read models caught up, blob store) and this process are up'],
  ];
  for (const [method, description] of probes) {
    const descriptor = Object.getOwnPropertyDescriptor(HealthProbesController.prototype, method)!;
    applyDecorators(Returns(200, ProbeBody, { description }), Returns(503, ProbeBody, { description: 'A dependency is down' }))(HealthProbesController.prototype, method, descriptor);
  }
};
