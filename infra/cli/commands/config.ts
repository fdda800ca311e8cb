import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu config'));
}
