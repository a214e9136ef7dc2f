/** The single network row: the installation's name. */
import type { Network } from '../db/schema.js';
import type { Db } from '../db/types.js';

export async function findNetwork(db: Db): Promise<Network | undefined> {
  return db.selectFrom('network').selectAll().where('id', '=', 1).executeTakeFirst();
}

export async function saveNetworkName(db: Db, name: string): Promise<void> {
  await db
    .insertInto('network')
    .values({ id: 1, name })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name }))
    .execute();
}
