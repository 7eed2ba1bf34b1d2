/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_TC_EMBED_URL?: string;
}
