#!/usr/bin/env node
// Entry point of the `tousu` command: loads the TypeScript CLI through tsx, so `npx tousu` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../infra/cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
