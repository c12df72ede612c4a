// One lint configuration for the monorepo. Beyond typescript-eslint's recommended rules it enforces two
// architecture rules: deciders, state and projections are pure (no clock, no randomness), and apps never
// import each other (only the embedded launcher composes them).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', 'bench/**', 'deploy/**', '.ci/**', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='require']", message: 'Use imports.' }],
    },
  },
  {
    files: ['**/*.decider.ts', '**/*.state.ts', '**/*.projection.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Time comes from command metadata.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time comes from command metadata.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Deciders are deterministic.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:crypto', 'crypto', '@nestjs/*', '@wharf/platform', '@wharf/transport'], message: 'Deciders and projections are pure.' }] },
      ],
    },
  },
  {
    files: ['apps/{gateway,identity,catalog,access,lifecycle,registry}/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@wharf/{gateway,identity,catalog,access,lifecycle,registry,wharf}'], message: 'Apps talk over the transport, never by import.' }] },
      ],
    },
  },
);
