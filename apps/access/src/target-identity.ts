/**
 * Which organization or repository exists under a name now: catalog's integer id (absent on repositories
 * created before catalog numbered them) and its creation time. Names are used again after a delete, so grants
 * and shares remember the identity they were made on and apply to nothing else.
 */
export interface TargetIdentity {
  id?: number | undefined;
  createdAt: string;
}

/** What a grant or share recorded about its target: the target's id (absent on records written before ids were kept) and when it was made. */
export interface MadeOn {
  targetId?: number | undefined;
  madeAt: string;
}

/**
 * Whether a grant or share was made on the target that exists now. With both ids known they must be equal;
 * otherwise the record must be no older than the target (it cannot have been made on a target created after it).
 */
export const madeOnCurrent = (record: MadeOn, current: TargetIdentity | null | undefined): boolean => {
  if (!current) return false;
  if (record.targetId !== undefined && current.id !== undefined) return record.targetId === current.id;
  return record.madeAt >= current.createdAt;
};
