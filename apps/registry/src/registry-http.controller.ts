import { All, Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RegistryApi } from './http/registry-api';

/** The data plane's HTTP surface: the OCI distribution API under `/v2/` and the Docker token endpoint. */
@Controller()
export class RegistryHttpController {
  constructor(@Inject(RegistryApi) private readonly api: RegistryApi) {}

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  @All(['v2', 'v2/*path'])
  async distribution(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.api.handle(request, response);
  }

  @Get('auth/token')
  async tokenByGet(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.api.token(request, response);
  }

  @Post('auth/token')
  async tokenByPost(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.api.token(request, response);
  }
}
