import { describeQuickStart } from './helpers/quick-start-scenario.ts';

// docs/quick-start-react.md, run as written: a Vite React app with @tc-embed/react and a Web-standard token route.
describeQuickStart({ example: 'react', title: 'React (Vite)', kind: 'vite', checker: 'tsc' });
