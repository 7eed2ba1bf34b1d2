import { runServe } from './serve-command.ts';

await runServe();
