/** Installation settings and secrets kept in the database (generated on first start, never in the repo). */
import type { Db } from '../db/types.js';

export async function findSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Stores `value` under `key` unless a value is already there; returns whichever value is stored. */
export async function settingOrInsert(db: Db, key: string, value: string): Promise<string> {
  await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await findSetting(db, key)) ?? value;
}
