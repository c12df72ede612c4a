import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { Transport } from '@nestjs/microservices';
import { HealthCheckService, HealthIndicatorService, MicroserviceHealthIndicator, type HealthIndicatorFunction } from '@nestjs/terminus';
import { readinessRpc, SERVICES, type ServiceName } from '@wharf/contracts';
import type { ReadinessCheck } from '@wharf/platform';
import type { Response } from 'express';
import { HEALTH_OPTIONS, type HealthOptions } from './health-options';

/** How long one dependency may take to answer a readiness probe before it counts as down. */
export const PROBE_TIMEOUT_MS = 3000;

const withinProbeTimeout = <T>(work: Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `GET /livez`: the process answers. `GET /readyz`: 200 when NATS (distributed mode), every service (its event
 * store, its read models caught up within a bound, the registry's blob store) and this process's own
 * dependencies are up, else 503; both with Terminus's body (`status`, `info`, `error`, `details`).
 */
@Controller()
export class HealthProbesController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(MicroserviceHealthIndicator) private readonly microservice: MicroserviceHealthIndicator,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  @Get('livez')
  livez(@Res({ passthrough: true }) response: Response) {
    return this.answer(response, []);
  }

  @Get('readyz')
  readyz(@Res({ passthrough: true }) response: Response) {
    const { natsUrl, local = [] } = this.options;
    const nats: HealthIndicatorFunction[] = natsUrl
      ? [() => this.microservice.pingCheck('nats', { transport: Transport.NATS, options: { servers: [natsUrl] }, timeout: PROBE_TIMEOUT_MS })]
      : [];
    return this.answer(response, [...nats, ...local.map((check) => () => this.localCheck(check)), ...SERVICES.map((service) => () => this.serviceCheck(service))]);
  }

  /** Terminus answers a failed check with an exception; it is rendered here so no error filter turns it into a 500. */
  private async answer(response: Response, indicators: HealthIndicatorFunction[]) {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse();
    }
  }

  private async localCheck(check: ReadinessCheck) {
    const indicator = this.indicators.check(check.name);
    try {
      return indicator.up(await withinProbeTimeout(check.probe()));
    } catch (error) {
      return indicator.down({ error: messageOf(error) });
    }
  }

  private async serviceCheck(service: ServiceName) {
    const indicator = this.indicators.check(service);
    try {
      const reply = await withinProbeTimeout(this.options.services.call(readinessRpc(service), {}));
      return reply.ready ? indicator.up({ checks: reply.checks }) : indicator.down({ checks: reply.checks });
    } catch (error) {
      return indicator.down({ error: messageOf(error) });
    }
  }
}
