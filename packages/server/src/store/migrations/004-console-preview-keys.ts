import type { Migration } from './index.ts';

/**
 * Console dashboard previews mint with a signing key of their own per organization: a row in api_keys marked
 * `console_preview`, whose secret nobody holds, so it can never authenticate a request; it only gives preview
 * tokens a `kid` that verification resolves like any other key's. Lists, revocation and x-api-key ignore it.
 */
export const CONSOLE_PREVIEW_KEYS: Migration = {
  id: '004-console-preview-keys',
  statements: [
    `alter table api_keys add column purpose text not null default 'integration'
       check (purpose in ('integration', 'console_preview'))`,
    `create unique index api_keys_one_console_preview_key on api_keys (org_id)
       where purpose = 'console_preview' and revoked_at is null`,
  ],
};
