import { DomainError, type ErrorCode } from '@wharf/contracts';
import { OciError, type OciErrorCode } from '@wharf/oci';

/** Catalog and platform errors in the distribution spec's terms. */
const OCI_BY_DOMAIN: Partial<Record<ErrorCode, [OciErrorCode, number?]>> = {
  'CATALOG.REPOSITORY_NOT_FOUND': ['NAME_UNKNOWN'],
  'CATALOG.NAMESPACE_NOT_FOUND': ['NAME_UNKNOWN'],
  'CATALOG.INVALID_REPOSITORY_NAME': ['NAME_INVALID'],
  'CATALOG.MANIFEST_NOT_FOUND': ['MANIFEST_UNKNOWN'],
  'CATALOG.TAG_NOT_FOUND': ['MANIFEST_UNKNOWN'],
  'CATALOG.INVALID_TAG': ['TAG_INVALID'],
  // The spec's manifest PUT answers a missing reference with 400 MANIFEST_BLOB_UNKNOWN.
  'CATALOG.MANIFEST_BLOB_UNKNOWN': ['MANIFEST_BLOB_UNKNOWN', 400],
  'CATALOG.MANIFEST_SIZE_MISMATCH': ['MANIFEST_INVALID', 400],
  'CATALOG.MANIFEST_REFERENCED': ['DENIED', 409],
  'CATALOG.BLOB_NOT_LINKED': ['BLOB_UNKNOWN'],
  // The spec has no quota code; DENIED carries the quota's message, as registries with quotas answer.
  'CATALOG.REPOSITORY_QUOTA_EXCEEDED': ['DENIED', 403],
  'CATALOG.TAG_QUOTA_EXCEEDED': ['DENIED', 403],
  // A token from before its repository changed hands (shares never allow writes).
  'CATALOG.WRITE_TO_ANOTHER_ACCOUNT': ['DENIED', 403],
  // Nothing new is created in a registry being deleted.
  'CATALOG.REGISTRY_DELETING': ['DENIED', 403],
  'IDENTITY.INVALID_CREDENTIALS': ['UNAUTHORIZED'],
  'IDENTITY.TOO_MANY_LOGIN_FAILURES': ['TOOMANYREQUESTS'],
  'PLATFORM.VALIDATION_FAILED': ['UNSUPPORTED', 400],
  'PLATFORM.UNAVAILABLE': ['UNAVAILABLE'],
  'PLATFORM.TIMEOUT': ['UNAVAILABLE'],
  'PLATFORM.READ_MODEL_LAGGING': ['UNAVAILABLE'],
  'PLATFORM.CONCURRENCY_CONFLICT': ['UNAVAILABLE'],
};

export const toOciError = (error: unknown): OciError | null => {
  if (error instanceof OciError) return error;
  if (error instanceof DomainError) {
    const [code, status] = OCI_BY_DOMAIN[error.code] ?? ['UNKNOWN'];
    return new OciError(code, error.message, { ...error.details }, status);
  }
  return null;
};
