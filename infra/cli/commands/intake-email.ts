import type { Command } from 'commander';
import { notBuiltYet } from '../not-built';

export function registerIntakeEmail(intake: Command): void {
  intake
    .command('email')
    .description('(not built yet)')
    .allowUnknownOption()
    .argument('[args...]')
    .action(() => notBuiltYet('tousu intake email'));
}
