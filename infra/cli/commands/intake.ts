import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerIntake(program: Command): void {
  program
    .command('intake')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu intake'));
}
