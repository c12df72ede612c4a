import { DomainError } from '@wharf/contracts';
import type { AuthLevel } from '@wharf/contracts/catalog';
import type { Command, Decider, Event } from '@wharf/event-store';
import { definitionProblem, type TriggerDefinition } from './trigger-definition';

/**
 * The triggers of one repository, on its stream `lifecycle.triggers-<repository>`: names are unique within the
 * repository; a trigger has an id of its own, so one created again under a deleted one's name starts afresh.
 * Changing triggers needs manage (7) on the repository (`auth` is the caller's level, as access reckons it).
 */

export type TriggerCreated = Event<
  'TriggerCreated',
  TriggerDefinition & { triggerId: string; repository: string; namespace: string; accountId: string; creatorId: string; creatorName: string; createdAt: string }
>;
/** `by: 'target'` is Wharf disabling the trigger because its target answered 410 Gone (`reason` says so). */
export type TriggerEnabledChanged = Event<
  'TriggerEnabledChanged',
  { triggerId: string; name: string; enabled: boolean; by: 'user' | 'target'; reason?: string; changedAt: string }
>;
export type TriggerDeleted = Event<'TriggerDeleted', { triggerId: string; name: string; deletedAt: string }>;
/** The repository was deleted: its triggers go with it. */
export type TriggersDropped = Event<'TriggersDropped', { repository: string; triggerIds: string[]; droppedAt: string }>;
export type TriggerEvent = TriggerCreated | TriggerEnabledChanged | TriggerDeleted | TriggersDropped;

export type CreateTrigger = Command<
  'CreateTrigger',
  { definition: TriggerDefinition; triggerId: string; repository: string; namespace: string; accountId: string; creatorId: string; creatorName: string; auth: AuthLevel | null }
>;
export type SetTriggerEnabled = Command<'SetTriggerEnabled', { name: string; enabled: boolean; auth: AuthLevel | null }>;
/** Wharf's own disabling of the trigger it delivered for, when it still exists under that id. */
export type DisableTriggerForTarget = Command<'DisableTriggerForTarget', { triggerId: string; reason: string }>;
export type DeleteTrigger = Command<'DeleteTrigger', { name: string; auth: AuthLevel | null }>;
export type DropTriggers = Command<'DropTriggers', { repository: string }>;
export type TriggerCommand = CreateTrigger | SetTriggerEnabled | DisableTriggerForTarget | DeleteTrigger | DropTriggers;

export interface TriggersState {
  /** The repository's triggers by name. */
  byName: Record<string, { triggerId: string; enabled: boolean }>;
}

export const initialState = (): TriggersState => ({ byName: {} });

const withoutIds = (byName: TriggersState['byName'], ids: readonly string[]): TriggersState['byName'] =>
  Object.fromEntries(Object.entries(byName).filter(([, trigger]) => !ids.includes(trigger.triggerId)));

export const evolve = (state: TriggersState, event: TriggerEvent): TriggersState => {
  switch (event.type) {
    case 'TriggerCreated':
      return { byName: { ...state.byName, [event.data.name]: { triggerId: event.data.triggerId, enabled: event.data.enabled } } };
    case 'TriggerEnabledChanged': {
      const trigger = state.byName[event.data.name];
      return trigger ? { byName: { ...state.byName, [event.data.name]: { ...trigger, enabled: event.data.enabled } } } : state;
    }
    case 'TriggerDeleted':
      return { byName: withoutIds(state.byName, [event.data.triggerId]) };
    case 'TriggersDropped':
      return { byName: withoutIds(state.byName, event.data.triggerIds) };
    default:
      return state;
  }
};

const requireManage = (auth: AuthLevel | null, repository: string): void => {
  if (auth !== 7) throw new DomainError('LIFECYCLE.TRIGGER_FORBIDDEN', { repository });
};

const existing = (state: TriggersState, name: string): { triggerId: string; enabled: boolean } => {
  const trigger = state.byName[name];
  if (!trigger) throw new DomainError('LIFECYCLE.TRIGGER_NOT_FOUND', { name });
  return trigger;
};

export const decide = (command: TriggerCommand, state: TriggersState): TriggerEvent[] => {
  const now = command.metadata.now;
  switch (command.type) {
    case 'CreateTrigger': {
      const { definition, triggerId, repository, namespace, accountId, creatorId, creatorName, auth } = command.data;
      requireManage(auth, repository);
      const problem = definitionProblem(definition);
      if (problem) throw new DomainError('LIFECYCLE.INVALID_TRIGGER', { reason: problem }, problem);
      if (state.byName[definition.name]) throw new DomainError('LIFECYCLE.TRIGGER_EXISTS', { name: definition.name, repository });
      return [{ type: 'TriggerCreated', data: { ...definition, triggerId, repository, namespace, accountId, creatorId, creatorName, createdAt: now } }];
    }
    case 'SetTriggerEnabled': {
      const { name, enabled, auth } = command.data;
      const trigger = existing(state, name);
      requireManage(auth, name);
      // Enabling an enabled trigger changes nothing; so does disabling a disabled one.
      if (trigger.enabled === enabled) return [];
      return [{ type: 'TriggerEnabledChanged', data: { triggerId: trigger.triggerId, name, enabled, by: 'user', changedAt: now } }];
    }
    case 'DisableTriggerForTarget': {
      const { triggerId, reason } = command.data;
      const entry = Object.entries(state.byName).find(([, trigger]) => trigger.triggerId === triggerId);
      if (!entry || !entry[1].enabled) return [];
      return [{ type: 'TriggerEnabledChanged', data: { triggerId, name: entry[0], enabled: false, by: 'target', reason, changedAt: now } }];
    }
    case 'DeleteTrigger': {
      const { name, auth } = command.data;
      const trigger = existing(state, name);
      requireManage(auth, name);
      return [{ type: 'TriggerDeleted', data: { triggerId: trigger.triggerId, name, deletedAt: now } }];
    }
    case 'DropTriggers': {
      const triggerIds = Object.values(state.byName).map((trigger) => trigger.triggerId);
      return triggerIds.length === 0 ? [] : [{ type: 'TriggersDropped', data: { repository: command.data.repository, triggerIds, droppedAt: now } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
};

export const triggerDecider: Decider<TriggersState, TriggerCommand, TriggerEvent> = { decide, evolve, initialState };
