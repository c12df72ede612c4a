import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { IdentityStreams } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost } from '@wharf/platform';
import { generateSigningKey } from '@wharf/registry-token';
import { signingKeyDecider } from './signing-key.decider';
import { signingKeysProjection, type SigningKeyDocument } from './signing-keys.projection';

const PRIMARY = 'primary';

/** Ensures the signing key exists at start-up and keeps its private half ready for signing. */
@Injectable()
export class SigningKeys implements OnApplicationBootstrap {
  private current: { kid: string; privateKey: KeyObject } | undefined;

  constructor(
    private readonly commands: CommandRunner,
    private readonly projections: ProjectionHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    // Replicas racing here append to the same stream; the decider makes every creation after the first a no-op.
    await this.commands.run(IdentityStreams.signingKey + PRIMARY, signingKeyDecider, { type: 'CreateSigningKey', data: generateSigningKey() }, {
      readModels: [signingKeysProjection],
    });
    const [key] = await this.all();
    if (!key) throw new Error('No signing key after creating one');
    this.current = { kid: key.kid, privateKey: createPrivateKey(key.privateKeyPem) };
  }

  signingKey(): { kid: string; privateKey: KeyObject } {
    if (!this.current) throw new Error('Signing keys are not loaded yet');
    return this.current;
  }

  all(): Promise<SigningKeyDocument[]> {
    return this.projections.collection(signingKeysProjection).find({ sort: [{ field: 'createdAt', direction: 'asc' }] });
  }
}
