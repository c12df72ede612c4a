export const lifecycleErrors = {
  'LIFECYCLE.GC_IN_PROGRESS': { status: 409, message: 'Garbage collection is already in progress for this registry' },
  'LIFECYCLE.GC_RUN_NOT_ACTIVE': { status: 409, message: 'The garbage-collection run is not under way' },
} as const;
