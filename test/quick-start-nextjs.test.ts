import { describeQuickStart } from './helpers/quick-start-scenario.ts';

// docs/quick-start-nextjs.md, run as written: a Next.js app-router app built with `next build` and served by
// `next start`, @tc-embed/react rendered on the client, tokens from a route handler.
describeQuickStart({ example: 'nextjs', title: 'Next.js (app router)', kind: 'next', checker: 'next build' });
