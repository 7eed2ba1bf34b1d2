#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx tc-embed` works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
