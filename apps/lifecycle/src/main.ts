import 'reflect-metadata';
import { runServiceProcess } from '@wharf/platform';
import { LifecycleModule } from './lifecycle.module';

void runServiceProcess('lifecycle', (runtime) => LifecycleModule.register(runtime));
