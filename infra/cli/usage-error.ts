/** Bad command-line input: exit code 2 with a plain message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
