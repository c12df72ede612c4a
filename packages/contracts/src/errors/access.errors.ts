export const accessErrors = {
  'ACCESS.NAMESPACE_PERMISSION_EXISTS': { status: 409, message: 'The organization permission already exists' },
  'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND': { status: 404, message: 'The organization permission does not exist' },
  'ACCESS.PERMISSION_EXISTS': { status: 409, message: 'The permission already exists' },
  'ACCESS.PERMISSION_NOT_FOUND': { status: 404, message: 'The permission does not exist' },
  'ACCESS.FORBIDDEN': { status: 403, message: 'You do not have permission to manage these permissions' },
  'ACCESS.INVALID_GRANTEE': { status: 400, message: 'The permission names a user outside the account' },
} as const;
