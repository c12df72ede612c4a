import { knownRegistriesProjection } from './known-registries.projection';
import { KnownRegistries } from './known-registries';
import { registryClustersProjection } from './registry-clusters.projection';
import { RegistryClustersHandler } from './registry-clusters.handler';
import { SelectelTokenLogins } from './selectel-token-logins';
import { SelectelTokenRecords } from './selectel-token-records';
import { selectelTokensProjection } from './selectel-tokens.projection';
import { SelectelTokensHandler } from './selectel-tokens.handler';
import { SelectelTokensV1Handler } from './selectel-tokens-v1.handler';

/** What the Selectel tokens slice adds to the identity module: its read models, message handlers and services. */
export const SELECTEL_TOKEN_PROJECTIONS = [selectelTokensProjection, registryClustersProjection, knownRegistriesProjection] as const;
export const SELECTEL_TOKEN_HANDLERS = [SelectelTokensHandler, SelectelTokensV1Handler, RegistryClustersHandler];
export const SELECTEL_TOKEN_PROVIDERS = [SelectelTokenLogins, SelectelTokenRecords, KnownRegistries];
