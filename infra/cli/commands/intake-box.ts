import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerIntakeBox(intake: Command): void {
  intake
    .command('box')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu intake box'));
}
