// A step inside a transaction that may fail without failing the transaction: its writes are
// rolled back to the savepoint and its error goes to the caller, the rest of the transaction stays.
import type { Db } from './driver.ts';

export async function withSavepoint<T>(tx: Db, name: string, step: () => Promise<T>): Promise<T> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await step();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
