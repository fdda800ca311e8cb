import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerCalendar(program: Command): void {
  program
    .command('calendar')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu calendar'));
}
