import { Command, CommanderError } from 'commander';
import { isTousuError } from '../../shared/domain/errors';
import { UsageError } from './usage-error';
import { registerCalendar } from './commands/calendar';
import { registerConfig } from './commands/config';
import { registerIntake } from './commands/intake';
import { registerUsers } from './commands/users';
import { registerReport } from './commands/report';
import { registerStart } from './commands/start';
import { registerDemo } from './commands/demo';
import { registerReconcile } from './commands/reconcile';
import { registerDeadLetters } from './commands/dead-letters';
import { registerDossier } from './commands/dossier';
import { registerStorage } from './commands/storage';
import { registerWorkOrders } from './commands/workorders';

/** Builds the `tousu` program. Exit codes: 0 ok, 2 bad input, 1 failure (INTERFACES.md). */
export function buildProgram(): Command {
  const program = new Command('tousu').description('遂宁市政务服务投诉处理系统 (tousu): complaint intake and handling').showHelpAfterError().exitOverride();
  registerCalendar(program);
  registerConfig(program);
  registerIntake(program);
  registerUsers(program);
  registerReport(program);
  registerStart(program);
  registerReconcile(program);
  registerDeadLetters(program);
  registerDossier(program);
  registerStorage(program);
  registerWorkOrders(program);
  registerDemo(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`错误：${err.message}\n`);
      return 2;
    }
    if (isTousuError(err)) {
      process.stderr.write(`错误：${err.message}\n`);
      return err.status >= 500 ? 1 : 2;
    }
    process.stderr.write(`失败：${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
