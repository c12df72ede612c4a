export const identityErrors = {
  'IDENTITY.UNAUTHENTICATED': { status: 401, message: 'Authentication is required' },
  'IDENTITY.INVALID_CREDENTIALS': { status: 401, message: 'The user name or password is wrong' },
  'IDENTITY.TOKEN_INVALID': { status: 401, message: 'The token is invalid or has expired' },
  'IDENTITY.FORBIDDEN': { status: 403, message: 'You do not have permission for this operation' },
  'IDENTITY.ACCOUNT_ALREADY_EXISTS': { status: 409, message: 'The account already exists' },
  'IDENTITY.USER_ALREADY_EXISTS': { status: 409, message: 'The user already exists' },
  'IDENTITY.INVALID_USER_NAME': { status: 400, message: 'The user name is not valid' },
  'IDENTITY.WEAK_PASSWORD': { status: 400, message: 'The password does not meet the password policy' },
  'IDENTITY.ACCOUNT_NOT_FOUND': { status: 404, message: 'The account does not exist' },
  'IDENTITY.USER_NOT_FOUND': { status: 404, message: 'The user does not exist' },
  'IDENTITY.ACCESS_KEY_NOT_FOUND': { status: 404, message: 'The access key does not exist' },
} as const;
