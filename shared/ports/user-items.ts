/**
 * Where local staff accounts are kept (infra/local/users.ts owns the item's shape and every rule): SQLite in the
 * embedded runtime (shared/adapters/local/sqlite/users.ts), DynamoDB items on a table (DynamoUserItems).
 */

/** A change of an account item: fields set, fields removed, the token version bumped (one atomic step). */
export interface ItemChange {
  set?: Record<string, unknown>;
  remove?: readonly string[];
  bumpTokenVersion?: boolean;
}

export interface UserItems<T extends { username: string }> {
  /** False when the username is taken. */
  insert(item: T): Promise<boolean>;
  get(username: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** The changed item, or undefined when there is no such account. */
  update(username: string, change: ItemChange): Promise<T | undefined>;
}
