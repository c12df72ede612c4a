import type { SealedSecret } from '@wharf/platform';
import type { SigningKeyDocument } from './signing-keys.projection';

export type SealedSigningKey = SigningKeyDocument & { sealedPrivateKey: SealedSecret };

/**
 * What signs the next registry token: the newest sealed key, a new generation when none is fit to sign, or
 * nothing when the newest key is sealed with an operator key this process does not have (a misconfiguration:
 * rotating past it would make the replicas that do have it rotate back).
 */
export type SignerChoice = { kind: 'sign'; key: SealedSigningKey } | { kind: 'generate'; generation: number } | { kind: 'unreadable'; key: SealedSigningKey };

const newestFirst = (keys: readonly SigningKeyDocument[]): SigningKeyDocument[] =>
  [...keys].sort((a, b) => b.generation - a.generation || b.createdAt.localeCompare(a.createdAt));

/**
 * The newest key signs until it is `rotateAfterMs` old or was sealed with an operator key that is only a previous
 * one now (the operator rotated theirs); then the next generation is due. A key from before sealing never signs.
 */
export const chooseSigner = (
  keys: readonly SigningKeyDocument[],
  { now, rotateAfterMs, operatorKeys }: { now: Date; rotateAfterMs: number; operatorKeys: { currentKeyId: string; canOpen(sealed: SealedSecret): boolean } },
): SignerChoice => {
  const [newest] = newestFirst(keys);
  if (!newest?.sealedPrivateKey) return { kind: 'generate', generation: (newest?.generation ?? 0) + 1 };
  const key = { ...newest, sealedPrivateKey: newest.sealedPrivateKey };
  if (!operatorKeys.canOpen(key.sealedPrivateKey)) return { kind: 'unreadable', key };
  const due = key.sealedPrivateKey.keyId !== operatorKeys.currentKeyId || now.getTime() - Date.parse(key.createdAt) >= rotateAfterMs;
  return due ? { kind: 'generate', generation: key.generation + 1 } : { kind: 'sign', key };
};

/**
 * The public keys registries verify with: every key until `retainMs` after the next generation replaced it, so
 * tokens it signed stay valid for their whole life and none beyond.
 */
export const publishedKeys = (keys: readonly SigningKeyDocument[], { now, retainMs }: { now: Date; retainMs: number }): SigningKeyDocument[] => {
  const ordered = newestFirst(keys);
  return ordered.filter((_key, index) => {
    const successor = ordered[index - 1];
    return !successor || now.getTime() - Date.parse(successor.createdAt) < retainMs;
  });
};
