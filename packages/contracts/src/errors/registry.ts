import { catalogErrors } from './catalog.errors';
import { accessErrors } from './access.errors';
import { identityErrors } from './identity.errors';
import { lifecycleErrors } from './lifecycle.errors';
import { platformErrors } from './platform.errors';

/** What every error code means: its default message and the HTTP status a dialect starts from. */
export interface ErrorDescriptor {
  readonly status: number;
  readonly message: string;
}

const registry = { ...platformErrors, ...identityErrors, ...catalogErrors, ...accessErrors, ...lifecycleErrors } as const satisfies Record<string, ErrorDescriptor>;

export type ErrorCode = keyof typeof registry;

export const isKnownCode = (code: string): code is ErrorCode => Object.prototype.hasOwnProperty.call(registry, code);

export const errorDescriptor = (code: ErrorCode): ErrorDescriptor => registry[code];
