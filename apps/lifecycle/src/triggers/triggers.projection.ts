import { TriggerStreams } from '@wharf/contracts/lifecycle';
import type { RecordedEvent } from '@wharf/event-store';
import type { Projection } from '@wharf/read-model';
import type { TriggerDefinition } from './trigger-definition';
import type { TriggerEvent } from './trigger.decider';

/**
 * Triggers by id. A trigger fires only for pushes recorded after it was created, and only while it was enabled at
 * that push's position: `createdPosition` and `toggles` let the dispatcher tell, however far behind it runs.
 */
export type TriggerDocument = TriggerDefinition & {
  id: string;
  repository: string;
  namespace: string;
  accountId: string;
  creatorName: string;
  createdAt: string;
  createdPosition: number;
  /** Log positions where `enabled` changed, and its value from there on. */
  toggles: [number, boolean][];
  disabledReason?: string;
  [field: string]: unknown;
};

const ids = (event: RecordedEvent<TriggerEvent>): string[] => (event.type === 'TriggersDropped' ? event.data.triggerIds : [event.data.triggerId]);

export const triggersView: Projection<TriggerDocument, TriggerEvent> = {
  name: 'triggers',
  version: 1,
  streamPrefixes: [TriggerStreams.triggers],
  indexes: [['repository', 'name']],
  documentIds: ids,
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'TriggerCreated': {
        const { triggerId: _triggerId, creatorId: _creatorId, ...trigger } = event.data;
        return { ...trigger, id, createdPosition: event.position, toggles: [] };
      }
      case 'TriggerEnabledChanged': {
        if (!doc) return null;
        const { enabled, reason } = event.data;
        const { disabledReason: _previous, ...rest } = doc;
        return { ...rest, enabled, toggles: [...doc.toggles, [event.position, enabled]], ...(reason ? { disabledReason: reason } : {}) };
      }
      case 'TriggerDeleted':
      case 'TriggersDropped':
        return null;
      default:
        return doc;
    }
  },
};

/** Whether the trigger was enabled just before `position` (and existed then). */
export const enabledAt = (trigger: Pick<TriggerDocument, 'createdPosition' | 'toggles' | 'enabled'>, position: number): boolean => {
  if (position <= trigger.createdPosition) return false;
  const before = trigger.toggles.filter(([at]) => at < position);
  const initially = trigger.toggles.length > 0 ? !trigger.toggles[0]![1] : trigger.enabled;
  return before.length > 0 ? before[before.length - 1]![1] : initially;
};
