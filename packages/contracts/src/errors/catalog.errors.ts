export const catalogErrors = {
  'CATALOG.INVALID_NAMESPACE_NAME': { status: 400, message: 'The organization name is not valid' },
  'CATALOG.NAMESPACE_ALREADY_EXISTS': { status: 409, message: 'The organization already exists' },
  'CATALOG.NAMESPACE_NOT_FOUND': { status: 404, message: 'The organization does not exist' },
  'CATALOG.NAMESPACE_NOT_EMPTY': { status: 406, message: 'The organization still contains repositories' },
  'CATALOG.NAMESPACE_FORBIDDEN': { status: 403, message: 'You do not have permission on this organization' },
} as const;
