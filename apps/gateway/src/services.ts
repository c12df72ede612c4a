/** DI token of the gateway's ServiceClient: the one way the gateway reaches the services. */
export const SERVICES = Symbol('SERVICES');
