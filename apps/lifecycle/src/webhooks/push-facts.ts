import type { PublicCloudEvent } from '@wharf/contracts/events';

/**
 * A push as a delivery keeps it: the tag event it came from (`eventId` is the CloudEvent id, the idempotency key)
 * and what the payload formats need. Recorded with the delivery, so every attempt sends the same facts.
 */
export interface PushFacts {
  eventId: string;
  eventType: 'tag.created' | 'tag.moved';
  /** The tag event's position in the log: deliveries to one target go out in this order. */
  position: number;
  time: string;
  accountId: string;
  namespace: string;
  repository: string;
  tag: string;
  digest: string;
  mediaType: string;
  /** Bytes of the image. */
  size: number;
  pullReference: string;
  previousDigest?: string;
  actor?: { accountId: string; userId: string; tokenId?: string };
  /** The repository as it was when the push was scheduled (absent if it was gone by then). */
  repositoryIsPublic?: boolean;
  repositoryCreatedAt?: string;
}

/** The fields of a `tag.created` or `tag.moved` event's data that a delivery keeps. */
type TagEventData = Pick<PushFacts, 'accountId' | 'namespace' | 'repository' | 'tag' | 'digest' | 'mediaType' | 'size' | 'pullReference' | 'previousDigest' | 'actor'>;

/** The facts of a `tag.created` or `tag.moved` public event, with what is known of its repository. */
export const pushFactsOf = (event: PublicCloudEvent, name: 'tag.created' | 'tag.moved', repository: { isPublic: boolean; createdAt: string } | null): PushFacts => {
  const data = event.data as TagEventData;
  return {
    eventId: event.id,
    eventType: name,
    position: event.wharfposition,
    time: event.time,
    accountId: data.accountId,
    namespace: data.namespace,
    repository: data.repository,
    tag: data.tag,
    digest: data.digest,
    mediaType: data.mediaType,
    size: data.size,
    pullReference: data.pullReference,
    ...(data.previousDigest ? { previousDigest: data.previousDigest } : {}),
    ...(data.actor ? { actor: data.actor } : {}),
    ...(repository ? { repositoryIsPublic: repository.isPublic, repositoryCreatedAt: repository.createdAt } : {}),
  };
};
