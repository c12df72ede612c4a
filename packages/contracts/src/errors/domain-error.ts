import { errorDescriptor, isKnownCode, type ErrorCode } from './registry';

/** Details travel with an error across transports, so they must be plain JSON. */
export type ErrorDetails = Record<string, string | number | boolean | null>;

/**
 * The one error class domain code throws. It is discriminated by `code`, a key of the error registry;
 * the message comes from the registry unless a more specific one is given.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, details: ErrorDetails = {}, message?: string) {
    super(message ?? errorDescriptor(code).message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorDescriptor(this.code).status;
  }
}

/** The serialised form of an error that crosses a transport: never a stack trace. */
export interface ErrorEnvelope {
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

export const isErrorEnvelope = (value: unknown): value is ErrorEnvelope =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { code?: unknown }).code === 'string' &&
  typeof (value as { message?: unknown }).message === 'string';

export const toErrorEnvelope = (error: unknown): ErrorEnvelope => {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, details: error.details };
  }
  return { code: 'PLATFORM.INTERNAL', message: errorDescriptor('PLATFORM.INTERNAL').message, details: {} };
};

export const fromErrorEnvelope = (envelope: ErrorEnvelope): DomainError =>
  new DomainError(isKnownCode(envelope.code) ? envelope.code : 'PLATFORM.INTERNAL', envelope.details ?? {}, envelope.message);
