import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu report'));
}
