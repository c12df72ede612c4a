export const lifecycleErrors = {
  'LIFECYCLE.GC_IN_PROGRESS': { status: 409, message: 'Garbage collection is already in progress for this registry' },
  'LIFECYCLE.GC_RUN_NOT_ACTIVE': { status: 409, message: 'The garbage-collection run is not under way' },
  'LIFECYCLE.RETENTION_NOT_FOUND': { status: 404, message: 'The retention policy does not exist' },
  'LIFECYCLE.RETENTION_TEMPLATE_CHANGED': { status: 400, message: 'The template of a retention rule cannot be changed' },
  'LIFECYCLE.RETENTION_RUN_IN_PROGRESS': { status: 409, message: 'A run of this retention policy is already under way' },
  'LIFECYCLE.RETENTION_RUN_NOT_ACTIVE': { status: 409, message: 'The retention run is not under way' },
  'LIFECYCLE.SYNC_REGION_UNKNOWN': { status: 400, message: 'The region is not a configured synchronization target' },
  'LIFECYCLE.SYNC_TASK_EXISTS': { status: 409, message: 'A synchronization task to this region and organization already exists' },
  'LIFECYCLE.SYNC_TASK_NOT_FOUND': { status: 404, message: 'The synchronization task does not exist' },
  'LIFECYCLE.SYNC_JOB_NOT_FOUND': { status: 404, message: 'The synchronization job does not exist' },
} as const;
