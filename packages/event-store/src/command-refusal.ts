import type { Event } from './types';

/**
 * A command a decider refused for lack of permission, recorded so that the audit log can show denied attempts.
 * It lives on a stream of its own (`<context>.refusal-<id>`), never on the aggregate's stream, so deciders and
 * projections of the aggregate never see it. It carries what was attempted and the error code, never the
 * command's data (which may hold secrets).
 */
export type CommandRefused = Event<'CommandRefused', { command: string; stream: string; code: string }>;

export const COMMAND_REFUSED = 'CommandRefused' satisfies CommandRefused['type'];

/** The refusal's own stream, in the context of the stream the command was for. */
export const refusalStreamOf = (stream: string, id: string): string => `${stream.split('.')[0]}.refusal-${id}`;
