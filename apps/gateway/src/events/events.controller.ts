import { Controller, Get, Headers, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { CloudEventEnvelope, EventsRpc, FEED_WAIT_SLICE_MS, type EventFeedReply } from '@wharf/contracts/events';
import type { Principal } from '@wharf/contracts/identity';
import type { ServiceClient } from '@wharf/transport';
import type { Request, Response } from 'express';
import { z } from 'zod/v4';
import { AuthenticatedGuard } from '../auth/authenticated.guard';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiRoutes } from '../openapi/dialects';
import { ValidQuery } from '../openapi/input';
import { ReturnsJsonOrStream } from '../openapi/responses';
import { SERVICES } from '../services';
import { invalidInput, parseInput } from '../validation';
import { FeedQuery, LastEventIdHeader, type Feed } from './events-query';

/** A page of the feed: CloudEvents (their `data` schema per type is in the AsyncAPI document) and where to go on. */
const FeedPage = z.object({
  events: z.array(CloudEventEnvelope.extend({ data: z.record(z.string(), z.unknown()).describe("The event's data, by its type") })),
  next: z.number().int().nonnegative().describe('The `after` of the next request'),
});

/**
 * The public event feed (Wharf's own API): the caller's account's CloudEvents in log order, as JSON pages
 * (long-poll with `timeout`) or, with `Accept: text/event-stream`, as Server-Sent Events that follow the log.
 */
@Controller('v1/events')
@UseGuards(AuthenticatedGuard)
@ApiRoutes('swr', 'Wharf: event feed')
export class EventsController {
  constructor(@Inject(SERVICES) private readonly services: ServiceClient) {}

  @Get()
  @ApiHeader({ name: 'Accept', required: false, description: '`text/event-stream` for Server-Sent Events that follow the log; JSON pages otherwise' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'With SSE and no `after`: resume after this position' })
  @ReturnsJsonOrStream(
    200,
    FeedPage,
    'text/event-stream',
    "The caller's account's events in log order: a JSON page, or with `Accept: text/event-stream` a stream of `id: <position>`, `event: <type>`, `data: <CloudEvent>`",
  )
  async feed(
    @CurrentPrincipal() actor: Principal,
    @ValidQuery(FeedQuery, invalidInput) query: FeedQuery,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const streaming = accept?.includes('text/event-stream') ?? false;
    // With SSE, the position the client last saw stands in for a missing `after`.
    const resumeAt = streaming && query.after === undefined && lastEventId !== undefined ? parseInput(LastEventIdHeader, { 'Last-Event-ID': lastEventId }) : undefined;
    const feed: Feed = {
      after: query.after ?? resumeAt?.['Last-Event-ID'] ?? 0,
      ...(query.types ? { types: query.types } : {}),
      limit: query.limit,
      timeoutMs: query.timeout * 1000,
    };
    if (!streaming) {
      response.json(await this.page(actor, feed, feed.timeoutMs));
      return;
    }
    await this.stream(actor, feed, request, response);
  }

  /** One page, waiting up to `waitMs` for its first event in slices the service answers within its RPC timeout. */
  private async page(actor: Principal, { after, types, limit }: Feed, waitMs: number, open = () => true): Promise<EventFeedReply> {
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
  private async stream(actor: Principal, feed: Feed, request: Request, response: Response): Promise<void> {
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
