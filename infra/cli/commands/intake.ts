import type { Command } from 'commander';
import { registerIntakeEmail } from './intake-email';
import { registerIntakeLetters } from './intake-letters';
import { registerIntakeBox } from './intake-box';

export function registerIntake(program: Command): void {
  const intake = program.command('intake').description('投诉件导入（邮件、来信扫描件、意见箱） / intake from files');
  registerIntakeEmail(intake);
  registerIntakeLetters(intake);
  registerIntakeBox(intake);
}
