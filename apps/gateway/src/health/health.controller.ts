import { Controller, Get, Inject, Res } from '@nestjs/common';
import { HealthReply, healthRpc, SERVICES as SERVICE_NAMES } from '@wharf/contracts';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiRoutes } from '../openapi/dialects';
import { Returns } from '../openapi/responses';
import { SERVICES } from '../services';

const ServiceHealth = z.union([HealthReply, z.object({ service: z.enum(SERVICE_NAMES), status: z.literal('unavailable'), error: z.string() })]);
type ServiceHealth = z.input<typeof ServiceHealth>;
const HealthBody = z.object({ status: z.enum(['ok', 'unavailable']), services: z.array(ServiceHealth) });

/** `GET /healthz`: 200 when every service answers its health subject, 503 otherwise. */
@Controller('healthz')
@ApiRoutes('swr', 'Health', { authenticated: false })
export class HealthController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  @Returns(200, HealthBody, { description: 'Every service answers' })
  @Returns(503, HealthBody, { description: 'A service does not answer' })
  async health(@Res({ passthrough: true }) response: Response): Promise<z.input<typeof HealthBody>> {
    const services: ServiceHealth[] = await Promise.all(
      SERVICE_NAMES.map((service) =>
        this.services.call(healthRpc(service), {}).catch((error: unknown) => ({
          service,
          status: 'unavailable' as const,
          error: error instanceof Error ? error.message : String(error),
        })),
      ),
    );
    const ok = services.every((s) => s.status === 'ok');
    response.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', services };
  }
}
