/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_TC_EMBED_URL?: string;
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
