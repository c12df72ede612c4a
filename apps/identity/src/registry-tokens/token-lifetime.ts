/** Registry tokens are short-lived: clients fetch a new one whenever the registry challenges them. */
export const REGISTRY_TOKEN_TTL_SECONDS = 300;

/**
 * How long a replaced signing key stays published: a token it signed just before it was replaced lives this long,
 * plus the clock leeway registries allow.
 */
export const REPLACED_KEY_RETENTION_MS = (REGISTRY_TOKEN_TTL_SECONDS + 60) * 1000;
