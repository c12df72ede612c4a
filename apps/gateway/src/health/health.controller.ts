import { Controller, Get, Inject, Res } from '@nestjs/common';
import { healthRpc, SERVICES as SERVICE_NAMES, type HealthReply, type ServiceName } from '@wharf/contracts';
import type { ServiceClient } from '@wharf/transport';
import type { Response } from 'express';
import { SERVICES } from '../services';

type ServiceHealth = HealthReply | { service: ServiceName; status: 'unavailable'; error: string };

/** `GET /healthz`: 200 when every service answers its health subject, 503 otherwise. */
@Controller('healthz')
export class HealthController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  async health(@Res({ passthrough: true }) response: Response) {
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
