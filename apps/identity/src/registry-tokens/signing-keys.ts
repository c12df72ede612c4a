import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { IdentityStreams } from '@wharf/contracts/identity';
import { CLOCK, CommandRunner, DOCUMENT_STORE, loadSecretKeyRing, ProjectionHost, SecretKeyError, WHARF_CONFIG, type Clock, type SecretKeyRing, type WharfConfig } from '@wharf/platform';
import { collectionOf, type DocumentStore } from '@wharf/read-model';
import { generateSigningKey } from '@wharf/registry-token';
import { chooseSigner, publishedKeys, type SealedSigningKey } from './signing-key-rotation';
import { signingKeyDecider } from './signing-key.decider';
import { signingKeysProjection, type SigningKeyDocument } from './signing-keys.projection';
import { REPLACED_KEY_RETENTION_MS } from './token-lifetime';

const DAY_MS = 24 * 3600 * 1000;
/** The collection before private keys were sealed: it held them in plain text, so it goes. */
const PLAINTEXT_COLLECTION = collectionOf({ name: signingKeysProjection.name, version: 1 });

/**
 * The keys registry tokens are signed with. They live in the event store, private halves sealed with the operator
 * key, so every identity replica signs with the same key and registries verify with the public halves. The newest
 * generation signs; a new one is generated when it is due (age, or the operator rotated their key), and the
 * replaced one is still published until the tokens it signed have expired.
 */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger('SigningKeys');
  private readonly operatorKeys: SecretKeyRing;
  private readonly opened = new Map<string, KeyObject>();

  constructor(
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
  ) {
    this.operatorKeys = loadSecretKeyRing(config, (message) => this.logger.warn(message));
  }

  /** Makes sure a key can sign before the first token is asked for: a missing operator key stops start-up here. */
  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    await this.documents.dropCollection(PLAINTEXT_COLLECTION);
    await this.signingKey();
  }

  /** The key to sign with now, generating the next generation first when it is due. */
  async signingKey(): Promise<{ kid: string; privateKey: KeyObject }> {
    const choice = chooseSigner(await this.all(), {
      now: this.clock.now(),
      rotateAfterMs: this.config.signingKeyRotationDays * DAY_MS,
      operatorKeys: this.operatorKeys,
    });
    switch (choice.kind) {
      case 'sign':
        return { kid: choice.key.kid, privateKey: this.open(choice.key) };
      case 'unreadable':
        throw new SecretKeyError(
          `signing key ${choice.key.kid} is sealed with operator key ${choice.key.sealedPrivateKey.keyId}: set it as WHARF_SECRET_KEY or in WHARF_PREVIOUS_SECRET_KEYS`,
        );
      case 'generate':
        await this.generate(choice.generation);
        return this.signingKey();
    }
  }

  /** The public keys registries may verify with now. */
  async published(): Promise<SigningKeyDocument[]> {
    return publishedKeys(await this.all(), { now: this.clock.now(), retainMs: REPLACED_KEY_RETENTION_MS });
  }

  private all(): Promise<SigningKeyDocument[]> {
    return this.projections.collection(signingKeysProjection).find({});
  }

  private open(key: SealedSigningKey): KeyObject {
    let privateKey = this.opened.get(key.kid);
    if (!privateKey) {
      privateKey = createPrivateKey(this.operatorKeys.open(key.sealedPrivateKey, key.kid));
      this.opened.set(key.kid, privateKey);
    }
    return privateKey;
  }

  private async generate(generation: number): Promise<void> {
    const { kid, privateKeyPem, publicKeyPem } = generateSigningKey();
    // Replicas racing here append to the same generation's stream; every generation after the first is a no-op.
    const { newEvents } = await this.commands.run(
      `${IdentityStreams.signingKey}generation-${generation}`,
      signingKeyDecider,
      { type: 'GenerateSigningKey', data: { kid, generation, publicKeyPem, sealedPrivateKey: this.operatorKeys.seal(privateKeyPem, kid) } },
      { readModels: [signingKeysProjection] },
    );
    if (newEvents.length > 0) this.logger.log(`Registry tokens are signed with generation ${generation} of the signing key from now on`);
  }
}
