import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layering (DESIGN.md): packages never import apps; the agent imports only release and mail. */
const appImports = {
  patterns: [
    { group: ['@marketplace/server', '@marketplace/server/*', '@marketplace/web', '@marketplace/web/*', '@marketplace/agent', '@marketplace/agent/*'], message: 'A package never imports an app (see DESIGN.md "Code layout").' },
    { group: ['**/apps/**'], message: 'A package never imports an app (see DESIGN.md "Code layout").' },
  ],
};

/** Server layout (docs/ARCHITECTURE.md): a module never imports another module's routes; shared folders import no module. */
const otherModulesRoutes = { group: ['../*/*-routes.js', '../*/*-routes'], message: "A module never imports another module's routes: move what you need into that module's service or repository." };
const moduleImports = [otherModulesRoutes, { group: ['**/composition/**'], message: 'A module never imports the composition root; it is the other way round.' }];
const routesQuery = 'A route file does not query the database: move the query into the module\'s *-repository.ts (see docs/ARCHITECTURE.md).';
const upward = { group: ['**/modules/**', '**/composition/**'], message: 'Shared infrastructure imports no module and not the composition root; register instead (see docs/ARCHITECTURE.md).' };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'artifacts/**', 'tmp/**', '**/fixtures/**', 'apps/web/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  { files: ['packages/**/*.ts', 'packages/**/*.tsx'], rules: { 'no-restricted-imports': ['error', appImports] } },
  {
    files: ['apps/agent/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...appImports.patterns, { group: ['@marketplace/db', '@marketplace/generators', '@marketplace/llm', '@marketplace/spec'], message: 'The agent imports only @marketplace/release and @marketplace/mail, to stay small.' }] }],
    },
  },
  {
    // `import { z }` keeps every zod export in a bundle (its 40 locales among them): the agent's idle memory grew 9 MB (decision 0053).
    files: ['apps/agent/**/*.ts', 'packages/release/**/*.ts', 'packages/mail/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']", message: "Import zod as a namespace (import * as z from 'zod'), so the agent bundle keeps only the zod it uses (decision 0053)." }],
    },
  },
  { files: ['apps/server/src/modules/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: moduleImports }] } },
  {
    // Route files validate, authorise, call a service or repository and shape the answer; queries live in *-repository.ts.
    files: ['apps/server/src/modules/**/*-routes.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kysely', message: routesQuery }], patterns: moduleImports }],
      'no-restricted-syntax': ['error', { selector: 'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom)$/]', message: routesQuery }],
    },
  },
  { files: ['apps/server/src/{config,errors,http,plugins,security,types}/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [upward] }] } },
  {
    // The one exception: db/ imports the DB type (every module's tables, joined by the composition root) with `import type`.
    files: ['apps/server/src/db/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/modules/**', '**/composition/**', '!**/composition/database-schema.js'], message: upward.message },
            { group: ['**/composition/database-schema.js'], allowTypeImports: true, message: 'db/ may import the composed DB type only with `import type` (see docs/ARCHITECTURE.md).' },
          ],
        },
      ],
    },
  },
);
