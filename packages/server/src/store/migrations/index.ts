import { TOKEN_CORE } from './001-token-core.ts';
import { CONNECTIONS } from './002-connections.ts';
import { DATASETS_DASHBOARDS } from './003-datasets-dashboards.ts';
import { CONSOLE_PREVIEW_KEYS } from './004-console-preview-keys.ts';
import { ASSISTANT_CONVERSATIONS } from './005-assistant-conversations.ts';
import { CACHE_VERSIONS } from './006-cache-versions.ts';

export interface Migration {
  id: string;
  statements: readonly string[];
}

/** In order of application; never edit one that has shipped, add a new one. */
export const MIGRATIONS: readonly Migration[] = [TOKEN_CORE, CONNECTIONS, DATASETS_DASHBOARDS, CONSOLE_PREVIEW_KEYS, ASSISTANT_CONVERSATIONS, CACHE_VERSIONS];
