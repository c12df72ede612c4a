import { ExpectedVersionConflictError, type EventStore } from '@wharf/event-store';
import { metrics } from '../metrics/metrics';

/** The stream's category, `<context>.<aggregate>` (the text before the first `-`): a bounded label, never a stream id. */
export const streamCategory = (stream: string): string => {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
};

const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The store with its appends measured: `wharf_event_store_appends_total{category,outcome}` (`ok`, `conflict`:
 * an expected-revision check failed, which the command handler retries, or `error`),
 * `wharf_event_store_appended_events_total{category}` and `wharf_event_store_append_seconds{category}`.
 */
export const instrumentEventStore = (store: EventStore): EventStore => {
  const appends = metrics.counter({ name: 'wharf_event_store_appends_total', help: 'Appends to the event store, by stream category and outcome.', labelNames: ['category', 'outcome'] });
  const events = metrics.counter({ name: 'wharf_event_store_appended_events_total', help: 'Events appended to the event store, by stream category.', labelNames: ['category'] });
  const seconds = metrics.histogram({
    name: 'wharf_event_store_append_seconds',
    help: 'Time an append to the event store takes (durable commit included), by stream category.',
    labelNames: ['category'],
    buckets: APPEND_BUCKETS,
  });
  return {
    async appendToStream(stream, appended, options) {
      const category = streamCategory(stream);
      const stop = seconds.startTimer({ category });
      try {
        const result = await store.appendToStream(stream, appended, options);
        appends.inc({ category, outcome: 'ok' });
        events.inc({ category }, appended.length);
        return result;
      } catch (error) {
        appends.inc({ category, outcome: error instanceof ExpectedVersionConflictError ? 'conflict' : 'error' });
        throw error;
      } finally {
        stop();
      }
    },
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options, handler) => store.subscribe(options, handler),
    headPosition: () => store.headPosition(),
    close: () => store.close(),
  };
};
