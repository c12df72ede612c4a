import { Controller, Get, Headers, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { EventsRpc, FEED_WAIT_SLICE_MS, type EventFeedReply } from '@wharf/contracts/events';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Request, Response } from 'express';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { SERVICES } from '../services';
import { parseFeedQuery, type FeedQuery } from './events-query';

/**
 * The public event feed (Wharf's own API): the caller's account's CloudEvents in log order, as JSON pages
 * (long-poll with `timeout`) or, with `Accept: text/event-stream`, as Server-Sent Events that follow the log.
 */
@Controller('v1/events')
@UseGuards(AuthenticatedGuard)
export class EventsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  async feed(
    @CurrentPrincipal() actor: Principal,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const streaming = accept?.includes('text/event-stream') ?? false;
    const feed = parseFeedQuery(query, streaming ? lastEventId : undefined);
    if (!streaming) {
      response.json(await this.page(actor, feed, feed.timeoutMs));
      return;
    }
    await this.stream(actor, feed, request, response);
  }

  /** One page, waiting up to `waitMs` for its first event in slices the service answers within its RPC timeout. */
  private async page(actor: Principal, { after, types, limit }: FeedQuery, waitMs: number, open = () => true): Promise<EventFeedReply> {
    const deadline = Date.now() + waitMs;
    let from = after;
    for (;;) {
      const slice = Math.max(0, Math.min(FEED_WAIT_SLICE_MS, deadline - Date.now()));
      const reply = await this.services.call(EventsRpc.feed, { actor, after: from, limit, waitMs: slice, ...(types ? { types } : {}) });
      if (reply.events.length > 0 || slice === 0 || Date.now() >= deadline || !open()) return reply;
      from = reply.next;
    }
  }

  /** SSE: each event as `id: <position>`, `event: <CloudEvents type>`, `data: <the CloudEvent>`; a comment keeps idle streams alive. */
  private async stream(actor: Principal, feed: FeedQuery, request: Request, response: Response): Promise<void> {
    let open = true;
    request.on('close', () => (open = false));
    response.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    response.flushHeaders();
    response.write(': wharf events\n\n');
    let after = feed.after;
    try {
      while (open) {
        const reply = await this.page(actor, { ...feed, after }, FEED_WAIT_SLICE_MS, () => open);
        if (!open) break;
        for (const event of reply.events) response.write(`id: ${event.wharfposition}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        if (reply.events.length === 0) response.write(': idle\n\n');
        after = reply.next;
      }
    } catch (error) {
      // The stream's status is sent already: say why it ends in the stream itself, then close it.
      response.write(`event: error\ndata: ${JSON.stringify({ message: error instanceof Error ? error.message : String(error) })}\n\n`);
    }
    response.end();
  }
}
