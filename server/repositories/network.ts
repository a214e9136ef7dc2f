/** The single network row: the installation's name and time zone. */
import type { Network } from '../db/schema.js';
import type { Db } from '../db/types.js';

export async function findNetwork(db: Db): Promise<Network | undefined> {
  return db.selectFrom('network').selectAll().where('id', '=', 1).executeTakeFirst();
}

/** Stores the network's time zone (an IANA name the caller has checked) and when it was chosen. */
export async function saveNetworkTimeZone(db: Db, timeZone: string, chosenAt: string): Promise<void> {
  await db.updateTable('network').set({ time_zone: timeZone, time_zone_chosen_at: chosenAt }).where('id', '=', 1).execute();
}

export async function saveNetworkName(db: Db, name: string): Promise<void> {
  await db
    .insertInto('network')
    .values({ id: 1, name })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name }))
    .execute();
}
