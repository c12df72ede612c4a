import { narrowToScope } from './token-scope';

const A = '888af692-c646-4b76-a234-81ca9b5bcafe';
const B = '6303699d-c2cd-40b1-8428-9dcd6cc3d00d';
const registries = new Map([
  ['alpha', A],
  ['beta', B],
]);
const registryIdOf = (namespace: string) => registries.get(namespace);
const granted = [
  { repository: 'alpha/app', actions: ['pull' as const, 'push' as const, 'delete' as const] },
  { repository: 'beta/tools/cli', actions: ['pull' as const, 'push' as const] },
  { repository: 'gone/app', actions: ['pull' as const] },
];

describe('narrowing what access grants to a token scope', () => {
  it('keeps every granted action of a read-write token on all registries', () => {
    expect(narrowToScope(granted, { modeRW: true, allRegistries: true, registryIds: [] }, registryIdOf)).toEqual(granted);
  });

  it('leaves a read-only token pull and nothing else', () => {
    expect(narrowToScope(granted, { modeRW: false, allRegistries: true, registryIds: [] }, registryIdOf)).toEqual([
      { repository: 'alpha/app', actions: ['pull'] },
      { repository: 'beta/tools/cli', actions: ['pull'] },
      { repository: 'gone/app', actions: ['pull'] },
    ]);
  });

  it('gives a token scoped to registry A nothing in registry B, nor in namespaces it cannot place', () => {
    expect(narrowToScope(granted, { modeRW: true, allRegistries: false, registryIds: [A] }, registryIdOf)).toEqual([
      { repository: 'alpha/app', actions: ['pull', 'push', 'delete'] },
      { repository: 'beta/tools/cli', actions: [] },
      { repository: 'gone/app', actions: [] },
    ]);
    expect(narrowToScope([{ repository: 'nonamespace', actions: ['pull'] }], { modeRW: true, allRegistries: false, registryIds: [A] }, registryIdOf)).toEqual([
      { repository: 'nonamespace', actions: [] },
    ]);
  });

  it('combines both limits and never adds an action access did not grant', () => {
    expect(narrowToScope(granted, { modeRW: false, allRegistries: false, registryIds: [B] }, registryIdOf)).toEqual([
      { repository: 'alpha/app', actions: [] },
      { repository: 'beta/tools/cli', actions: ['pull'] },
      { repository: 'gone/app', actions: [] },
    ]);
    expect(narrowToScope([{ repository: 'alpha/app', actions: [] }], { modeRW: true, allRegistries: true, registryIds: [] }, registryIdOf)).toEqual([
      { repository: 'alpha/app', actions: [] },
    ]);
  });
});
