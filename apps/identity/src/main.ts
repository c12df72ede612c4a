import 'reflect-metadata';
import { runServiceProcess } from '@wharf/platform';
import { IdentityModule } from './identity.module';

void runServiceProcess('identity', (runtime) => IdentityModule.register(runtime));
