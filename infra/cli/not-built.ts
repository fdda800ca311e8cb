/** Loud marker for a command whose capability has not been built yet: never a silent success. */
export function notBuiltYet(what: string): never {
  throw new Error(`${what} 尚未实现 (not built yet; see the open issues)`);
}
