/**
 * Repository names per the OCI distribution spec: path components of lowercase alphanumerics joined by
 * `.`, `_`, `__` or runs of `-`, separated by `/`. We also cap the total length at 255 (the spec's
 * recommendation and CNCF Distribution's limit) and require at least two components: the first is the
 * namespace (SWR organization, Selectel registry) that owns the repository.
 */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
export const MAX_REPOSITORY_NAME_LENGTH = 255;

export const isValidRepositoryName = (name: string): boolean => name.length <= MAX_REPOSITORY_NAME_LENGTH && REPOSITORY_NAME.test(name);

/** The namespace a repository belongs to and its name inside it; null when the name has no namespace. */
export const splitRepositoryName = (name: string): { namespace: string; repository: string } | null => {
  const slash = name.indexOf('/');
  if (slash <= 0) return null;
  return { namespace: name.slice(0, slash), repository: name.slice(slash + 1) };
};

/** Tags: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
export const isValidTag = (tag: string): boolean => TAG.test(tag);
