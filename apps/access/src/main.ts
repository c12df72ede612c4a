import 'reflect-metadata';
import { runServiceProcess } from '@wharf/platform';
import { AccessModule } from './access.module';

void runServiceProcess('access', (runtime) => AccessModule.register(runtime));
