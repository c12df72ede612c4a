import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@wharf/contracts';
import { IdentityStreams } from '@wharf/contracts/identity';
import { CommandRunner, ProjectionHost, WHARF_CONFIG, type WharfConfig } from '@wharf/platform';
import { accountDecider } from '../accounts/account.decider';
import { accountsProjection } from '../accounts/accounts.projection';
import { hashPassword } from '../users/password-hash';
import { userDecider, userStreamOf } from '../users/user.decider';
import { usersProjection } from '../users/users.projection';

export const SYSTEM_ACCOUNT = 'admin';
export const SYSTEM_ADMIN = 'admin';

const alreadyExists = (error: unknown) =>
  error instanceof DomainError && (error.code === 'IDENTITY.ACCOUNT_ALREADY_EXISTS' || error.code === 'IDENTITY.USER_ALREADY_EXISTS');

/**
 * On the first start (no accounts at all) creates the installation's account `admin` and its administrator
 * `admin`. Each step is idempotent and guarded by its stream, so replicas starting together create them once,
 * and a start that died between the two steps is completed by the next one.
 */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly commands: CommandRunner,
    @Inject(WHARF_CONFIG) private readonly config: WharfConfig,
    private readonly projections: ProjectionHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    await this.projections.waitForHead();
    const accounts = this.projections.collection(accountsProjection);
    let system = await accounts.get(SYSTEM_ACCOUNT);
    if (!system) {
      if ((await accounts.count()) > 0) return;
      system = await this.createSystemAccount();
    }
    if (!system?.system) return;
    const users = this.projections.collection(usersProjection);
    if ((await users.count([{ field: 'accountId', op: 'eq', value: system.accountId }])) > 0) return;
    await this.createAdministrator(system.accountId);
  }

  private async createSystemAccount() {
    try {
      await this.commands.run(
        IdentityStreams.account + SYSTEM_ACCOUNT,
        accountDecider,
        { type: 'CreateAccount', data: { accountId: randomUUID(), name: SYSTEM_ACCOUNT, system: true } },
        { readModels: [accountsProjection] },
      );
    } catch (error) {
      if (!alreadyExists(error)) throw error;
      await this.projections.waitForHead();
    }
    return this.projections.collection(accountsProjection).get(SYSTEM_ACCOUNT);
  }

  private async createAdministrator(accountId: string): Promise<void> {
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    try {
      await this.commands.run(
        userStreamOf(accountId, SYSTEM_ADMIN),
        userDecider,
        {
          type: 'CreateUser',
          data: {
            userId: randomUUID(),
            name: SYSTEM_ADMIN,
            accountId,
            accountName: SYSTEM_ACCOUNT,
            systemAccount: true,
            accountAdmin: true,
            passwordHash: await hashPassword(password),
            // Checked just before: the account has no users yet.
            nameTakenInAccount: false,
          },
        },
        { readModels: [usersProjection] },
      );
    } catch (error) {
      if (alreadyExists(error)) return;
      throw error;
    }
    if (generated) {
      // Printed once, by the process that created the user; it is stored only as a hash.
      this.logger.log(`Created user '${SYSTEM_ADMIN}' in account '${SYSTEM_ACCOUNT}' with generated password: ${password}`);
    } else {
      this.logger.log(`Created user '${SYSTEM_ADMIN}' in account '${SYSTEM_ACCOUNT}' with the password from WHARF_ADMIN_PASSWORD`);
    }
  }
}
