/** What the SQLite adapters did, for benchmarks: port calls answered and write transactions committed. */
export interface StoreStats {
  /** Calls of port methods (a read or a write, whatever it costs inside). */
  calls: number;
  /** Write transactions committed (each is one fsync-able unit in the WAL). */
  transactions: number;
}

export const newStoreStats = (): StoreStats => ({ calls: 0, transactions: 0 });
