import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerUsers(program: Command): void {
  program
    .command('users')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu users'));
}
