import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu demo'));
}
