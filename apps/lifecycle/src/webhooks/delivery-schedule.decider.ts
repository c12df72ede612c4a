import type { Command, Decider, Event } from '@wharf/event-store';
import type { PushFacts } from './push-facts';

/**
 * The outbox's schedule, one stream (`lifecycle.deliveryschedule`) written by the trigger dispatcher alone: each
 * event records, in one append, the deliveries of every push the dispatcher read up to the journal position
 * `through`, before any of them is attempted (each delivery's attempts then go on its own stream, see
 * delivery.decider.ts). `through` only grows, so the dispatcher resumes after the newest event's `through` and a push
 * is never scheduled twice, however the batches fall; the state is the newest event alone.
 */

export interface Firing {
  push: PushFacts;
  triggerIds: string[];
}

export type DeliveriesScheduled = Event<'DeliveriesScheduled', { through: number; firings: Firing[]; scheduledAt: string }>;
export type DeliveryScheduleEvent = DeliveriesScheduled;

export type ScheduleDeliveries = Command<'ScheduleDeliveries', { through: number; firings: Firing[] }>;

export interface DeliveryScheduleState {
  /** The journal position everything up to which is scheduled. */
  through: number;
}

/** The delivery of one push to one trigger: its id and the key of its stream. */
export const deliveryIdOf = (triggerId: string, eventId: string): string => `${triggerId}.${eventId}`;

export const deliveryScheduleDecider: Decider<DeliveryScheduleState, ScheduleDeliveries, DeliveryScheduleEvent> = {
  initialState: () => ({ through: 0 }),
  evolve: (state, event) => (event.type === 'DeliveriesScheduled' ? { through: Math.max(state.through, event.data.through) } : state),
  decide: (command, state) => {
    const { through, firings } = command.data;
    // Pushes read again after a restart are scheduled already; a batch that fired nothing records nothing.
    const fresh = firings.filter((firing) => firing.push.position > state.through && firing.triggerIds.length > 0);
    if (through <= state.through || fresh.length === 0) return [];
    return [{ type: 'DeliveriesScheduled', data: { through, firings: fresh, scheduledAt: command.metadata.now } }];
  },
};
