import { TousuError } from '../domain/errors';

import type { MailProblem } from '../domain/mail-outcomes';
export type { MailProblem };

/** A raw mail that cannot be parsed within the limits. The mail is quarantined, never dropped. */
export class MailParseError extends TousuError {
  override readonly name = 'MailParseError';
  readonly code: string;
  readonly status: number;
  constructor(
    readonly problem: MailProblem,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.code = `mail_${problem}`;
    this.status = problem === 'too_large' ? 413 : 422;
  }
}
