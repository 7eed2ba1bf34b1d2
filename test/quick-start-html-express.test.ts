import { describeQuickStart } from './helpers/quick-start-scenario.ts';

// docs/quick-start-html-express.md, run as written.
describeQuickStart({ example: 'html-express', title: 'plain HTML + Express', kind: 'server', checker: 'tsc' });
