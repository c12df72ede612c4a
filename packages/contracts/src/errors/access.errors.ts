export const accessErrors = {
  'ACCESS.NAMESPACE_PERMISSION_EXISTS': { status: 409, message: 'The organization permission already exists' },
  'ACCESS.NAMESPACE_PERMISSION_NOT_FOUND': { status: 404, message: 'The organization permission does not exist' },
  'ACCESS.PERMISSION_EXISTS': { status: 409, message: 'The permission already exists' },
  'ACCESS.PERMISSION_NOT_FOUND': { status: 404, message: 'The permission does not exist' },
  'ACCESS.FORBIDDEN': { status: 403, message: 'You do not have permission to manage these permissions' },
  'ACCESS.SHARE_EXISTS': { status: 409, message: 'The repository is already shared with this account' },
  'ACCESS.SHARE_NOT_FOUND': { status: 404, message: 'The repository is not shared with this account' },
  'ACCESS.INVALID_DOMAIN': { status: 400, message: 'The account to share with is not valid' },
  'ACCESS.INVALID_DEADLINE': { status: 400, message: 'The deadline must be a future UTC time or "forever"' },
  'ACCESS.INVALID_GRANTEE': { status: 400, message: 'The permission names a user outside the account' },
} as const;
