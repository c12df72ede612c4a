import { All, Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';

/**
 * The data plane's HTTP surface. The OCI distribution API is not built yet: `/v2/` answers 404 with an OCI
 * error body saying so, which clients report as "not a v2 registry" rather than failing in odd ways.
 */
@Controller()
export class RegistryHttpController {
  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @All(['v2', 'v2/*path'])
  notImplemented(@Res() response: Response): void {
    response.status(404).json({
      errors: [{ code: 'UNSUPPORTED', message: 'The OCI distribution API is not implemented in this Wharf build yet', detail: {} }],
    });
  }
}
