import { describeQuickStart } from './helpers/quick-start-scenario.ts';

// docs/quick-start-react.md, run as written: @tc-embed/react, tokens from a Next.js-style route handler.
describeQuickStart({ example: 'react', title: 'React (+ Next.js route handler)', vite: true, checker: 'tsc' });
