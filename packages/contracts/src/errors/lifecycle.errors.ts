export const lifecycleErrors = {
  'LIFECYCLE.GC_IN_PROGRESS': { status: 409, message: 'Garbage collection is already in progress for this registry' },
  'LIFECYCLE.GC_RUN_NOT_ACTIVE': { status: 409, message: 'The garbage-collection run is not under way' },
  'LIFECYCLE.INVALID_TRIGGER': { status: 400, message: 'The trigger is not valid' },
  'LIFECYCLE.TRIGGER_EXISTS': { status: 409, message: 'A trigger with this name already exists for the repository' },
  'LIFECYCLE.TRIGGER_NOT_FOUND': { status: 404, message: 'The trigger does not exist' },
  'LIFECYCLE.TRIGGER_FORBIDDEN': { status: 403, message: 'Changing triggers needs manage (7) permission on the repository' },
  'LIFECYCLE.WEBHOOK_TARGET_REFUSED': { status: 400, message: 'The webhook target is refused' },
  'LIFECYCLE.DELIVERY_NOT_FOUND': { status: 404, message: 'The delivery does not exist' },
  'LIFECYCLE.DELIVERY_PENDING': { status: 409, message: 'The delivery is still being attempted' },
} as const;
