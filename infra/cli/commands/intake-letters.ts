import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerIntakeLetters(intake: Command): void {
  intake
    .command('letters')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu intake letters'));
}
