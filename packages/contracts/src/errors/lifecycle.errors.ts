export const lifecycleErrors = {
  'LIFECYCLE.GC_IN_PROGRESS': { status: 409, message: 'Garbage collection is already in progress for this registry' },
} as const;
