/** Uploaded rosters waiting for confirmation, and the people each import created (for their invitations). */
import type { Person, RosterImport } from '../db/schema.js';
import { isoNow, type Db } from '../db/types.js';

export async function createRosterImport(db: Db, upload: { uploadedBy: number; fileName: string; contents: string }): Promise<number> {
  const row = await db
    .insertInto('roster_imports')
    .values({ uploaded_by: upload.uploadedBy, file_name: upload.fileName, contents: upload.contents, applied_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findRosterImport(db: Db, id: number): Promise<RosterImport | undefined> {
  return db.selectFrom('roster_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markRosterImportApplied(db: Db, id: number): Promise<void> {
  await db.updateTable('roster_imports').set({ applied_at: isoNow() }).where('id', '=', id).execute();
}

export async function rememberImportedPerson(db: Db, importId: number, personId: number): Promise<void> {
  await db.insertInto('roster_import_people').values({ import_id: importId, person_id: personId }).execute();
}

export async function peopleCreatedByImport(db: Db, importId: number): Promise<Person[]> {
  return db
    .selectFrom('roster_import_people')
    .innerJoin('people', 'people.id', 'roster_import_people.person_id')
    .selectAll('people')
    .where('roster_import_people.import_id', '=', importId)
    .orderBy('people.name')
    .execute();
}
