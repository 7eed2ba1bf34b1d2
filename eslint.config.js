// ESLint flat config (STYLE.md): typescript-eslint's recommended rules everywhere (not the type-checked sets: too
// slow for CI's two cores), plus the Lit and Lit accessibility rules for the two browser UIs.
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';

const litSources = ['packages/elements/src/**/*.ts', 'packages/console/src/**/*.ts'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/*.d.ts',
      '**/.tc-data/**',
      'demo/examples/**/dist/**',
      '**/.next/**',
      '**/coverage/**',
      '**/.cache/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.recommended],
    rules: {
      // ignoreRestSiblings: `const { [name]: _dropped, ...rest } = claims` is how the tests omit a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: litSources,
    extends: [lit.configs['flat/recommended'], litA11y.configs.recommended],
  },
);
