import { AccessStreams } from '@wharf/contracts/access';
import type { Projection } from '@wharf/read-model';
import { madeOnCurrent, type TargetIdentity } from '../target-identity';
import type { ShareData, ShareEvent } from './share.decider';

export interface ShareDocument extends ShareData {
  id: string;
  creatorId: string;
  creatorName: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

/** Keyed by repository and the account it is shared with: the token path looks a share up by both. */
export const shareId = (repository: string, accountId: string): string => `${repository}:${accountId}`;

export const sharesProjection: Projection<ShareDocument, ShareEvent> = {
  name: 'shares',
  version: 1,
  streamPrefixes: [AccessStreams.shares],
  indexes: [['repository', 'accessDomain'], ['accessAccountId'], ['namespace']],
  documentIds: (event) => [shareId(event.data.repository, event.data.accessAccountId)],
  evolve: (doc, event, id) => {
    switch (event.type) {
      case 'RepositoryShared': {
        const { sharedAt, ...data } = event.data;
        return { id, ...data, createdAt: sharedAt, updatedAt: sharedAt };
      }
      case 'ShareUpdated': {
        if (!doc) return null;
        const { updatedAt, ...data } = event.data;
        return { ...doc, ...data, updatedAt };
      }
      case 'ShareRemoved':
        return null;
    }
  },
};

/** Whether a share still grants pull at `now`. */
export const shareValid = (share: { deadline: string }, now: Date): boolean => share.deadline === 'forever' || Date.parse(share.deadline) > now.getTime();

/** Whether the share was made on the repository that holds its name now (not on one deleted since). */
export const shareOnCurrent = (share: Pick<ShareDocument, 'repositoryId' | 'createdAt'>, current: TargetIdentity | null | undefined): boolean =>
  madeOnCurrent({ targetId: share.repositoryId, madeAt: share.createdAt }, current);
