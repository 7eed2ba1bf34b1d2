import { describeQuickStart } from './helpers/quick-start-scenario.ts';

// docs/quick-start-vue.md, run as written; vue-tsc also checks the template's typed events.
describeQuickStart({ example: 'vue', title: 'Vue 3', kind: 'vite', checker: 'vue-tsc' });
