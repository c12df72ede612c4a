import 'reflect-metadata';
import { runServiceProcess } from '@wharf/platform';
import { CatalogModule } from './catalog.module';

void runServiceProcess('catalog', (runtime) => CatalogModule.register(runtime));
