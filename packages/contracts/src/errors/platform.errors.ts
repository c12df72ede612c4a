export const platformErrors = {
  'PLATFORM.INTERNAL': { status: 500, message: 'Internal error' },
  'PLATFORM.VALIDATION_FAILED': { status: 400, message: 'The request is not valid' },
  'PLATFORM.INVALID_FILTER': { status: 400, message: 'The filter is not valid' },
  'PLATFORM.CONCURRENCY_CONFLICT': { status: 409, message: 'The resource was changed concurrently; retry the request' },
  'PLATFORM.UNAVAILABLE': { status: 503, message: 'A service needed for this request is not available' },
  'PLATFORM.TIMEOUT': { status: 504, message: 'A service did not answer in time' },
  'PLATFORM.NOT_IMPLEMENTED': { status: 501, message: 'This operation is not implemented yet' },
  'PLATFORM.READ_MODEL_LAGGING': { status: 503, message: 'The write succeeded but the read model did not catch up in time' },
} as const;
