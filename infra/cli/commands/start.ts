import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu start'));
}
