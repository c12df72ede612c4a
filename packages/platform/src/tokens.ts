/** DI tokens for the ports a service uses; adapters are chosen from configuration, never by services. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const DOCUMENT_STORE = Symbol('DOCUMENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const WHARF_CONFIG = Symbol('WHARF_CONFIG');
export const PROJECTIONS = Symbol('PROJECTIONS');
/** The client a service uses to call other services (request/reply over the transport). */
export const SERVICE_CLIENT = Symbol('SERVICE_CLIENT');

/** Time enters the domain only through here, so deciders stay pure and tests can fix it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
