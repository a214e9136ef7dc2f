import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot as snapshotDatabase } from '../support/db-snapshot.js';
import { anonymous, signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

let fixture: NetworkFixture;
let admin: Agent;

beforeAll(async () => {
  fixture = await buildNetworkFixture();
  admin = await signIn(fixture.app, fixture.people.admin.email, PASSWORD);
});
afterAll(async () => {
  await fixture.app.close();
});

/** Sends a file the way the upload form does: multipart/form-data with the CSRF field. */
async function upload(agent: Agent, file: { name: string; bytes: Uint8Array<ArrayBuffer> | string } | undefined, csrf?: string) {
  const form = new FormData();
  form.append('_csrf', csrf ?? (await agent.csrfToken('/admin/import')));
  if (file !== undefined) form.append('roster', new Blob([file.bytes], { type: 'text/csv' }), file.name);
  const request = new Request('http://icmap.test/admin/import', { method: 'POST', body: form });
  return fixture.app.inject({
    method: 'POST',
    url: '/admin/import',
    headers: { cookie: agent.cookie, 'content-type': request.headers.get('content-type') ?? '' },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

const ROSTER = [
  'email,name,district,site,role,facilitator',
  'zoe.zane@alder.test,Zoe Zane,Alder District,Alder Elementary,improvement-team,no',
  'milo.moss@alder.test,Milo Moss,Alder District,Alder Elementary,improvement-team,yes',
  'yan.yu@cedar.test,"=HYPERLINK(""http://evil.example"")",Cedar District,Cedar Middle,improvement-team,no',
].join('\n');

describe('roster import over HTTP', () => {
  it('offers the template as a CSV download', async () => {
    const response = await admin.get('/admin/import/template.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('attachment');
    // A byte order mark first, so Excel reads "Ana López" as UTF-8.
    expect(response.body.split(/\r?\n/)[0]).toBe('\uFEFFemail,name,district,site,role,facilitator');
    expect(response.body).toContain('Ana López');
  });

  it('the template, downloaded as it is (byte order mark and all), imports cleanly', async () => {
    const template = (await admin.get('/admin/import/template.csv')).rawPayload;
    const uploaded = await upload(admin, { name: 'template.csv', bytes: new Uint8Array(template) });
    expect(uploaded.statusCode).toBe(303);
    const preview = await admin.get(String(uploaded.headers.location));
    expect(preview.body).not.toContain('Nothing was imported');
    expect(preview.body).toContain('Import 5 rows');
  });

  it('a spreadsheet\'s file: "School" for site in any case, CRLF line endings and blank lines keep their line numbers; the preview says which existing group a row joins', async () => {
    const lines = [
      'E-mail,Name,District,SCHOOL,Role,Facilitator',
      'milo.moss@alder.test,Milo Moss,Alder District,Alder Elementary,improvement-team,no',
      '',
      'ivy.ink@alder.test,Ivy Ink,Alder District,Alder Elementary,improvement-team,no',
      '',
      '',
      'not-an-email,Bad Row,Alder District,Alder Elementary,improvement-team,no',
    ];
    const bad = await admin.get(String((await upload(admin, { name: 'crlf.csv', bytes: lines.join('\r\n') })).headers.location));
    expect(bad.body).toContain('The file has 1 problem.');
    expect(bad.body).toMatch(/<td class="numeric">7<\/td><td>email<\/td><td>&quot;not-an-email&quot; is not an email address.<\/td>/);

    const good = await admin.get(String((await upload(admin, { name: 'crlf.csv', bytes: lines.slice(0, 6).join('\r\n') + '\r\n' })).headers.location));
    expect(good.body).not.toContain('Nothing was imported');
    const row = (line: number) => new RegExp(`<td class="numeric">${line}</td>[^]*?</tr>`).exec(good.body)?.[0] ?? '';
    expect(row(4)).toContain('Ivy Ink');
    expect(row(4)).toContain('joins Alder Elementary improvement team');
    expect(row(4)).toContain('(existing group)');
    expect(row(2)).toContain('already in Alder Elementary improvement team');
  });

  it('uploads, previews, confirms, and hands out the new people\'s links once, formulas escaped', async () => {
    const before = await snapshotDatabase(fixture.app.db);
    const uploaded = await upload(admin, { name: 'roster.csv', bytes: ROSTER });
    expect(uploaded.statusCode).toBe(303);
    const previewUrl = String(uploaded.headers.location);
    expect(previewUrl).toMatch(/^\/admin\/import\/\d+$/);

    const preview = await admin.get(previewUrl);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('rows add new people');
    expect(preview.body).toContain('New districts: Cedar District');
    // Nothing but the stored upload exists yet.
    const afterPreview = await snapshotDatabase(fixture.app.db);
    expect(afterPreview.people).toEqual(before.people);
    expect(afterPreview.groupMembers).toEqual(before.groupMembers);

    const confirmed = await admin.post(`${previewUrl}/confirm`, {}, { tokenFrom: previewUrl });
    expect(confirmed.statusCode).toBe(303);
    const done = await admin.get(previewUrl);
    expect(done.body).toContain('Imported: 2 new, 1 updated, 0 unchanged.');

    const csv = await admin.post(`${previewUrl}/invitations.csv`, {}, { tokenFrom: previewUrl });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['cache-control']).toBe('no-store');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    const rows = Papa.parse<Record<string, string>>(csv.body, { header: true, skipEmptyLines: true }).data;
    expect(rows.map((row) => row.name).sort()).toEqual([`'=HYPERLINK("http://evil.example")`, 'Zoe Zane']);
    const link = rows.find((row) => row.name === 'Zoe Zane')?.link ?? '';
    const visitor = anonymous(fixture.app);
    expect((await visitor.get(new URL(link).pathname)).statusCode).toBe(200);

    // Confirming again changes nothing.
    const again = await admin.post(`${previewUrl}/confirm`, {}, { tokenFrom: previewUrl });
    expect(again.statusCode).toBe(303);
    expect((await snapshotDatabase(fixture.app.db)).people.length).toBe(before.people.length + 2);
  });

  it.each([
    ['no file', undefined, 'Choose a CSV file to upload.'],
    ['an empty file', { name: 'empty.csv', bytes: '' }, 'The file is empty. Nothing was changed.'],
    ['a file that is not UTF-8', { name: 'latin1.csv', bytes: new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0xff]) }, 'The file is not UTF-8 text.'],
  ])('refuses %s with a clear message and stores nothing', async (_name, file, message) => {
    const before = await snapshotDatabase(fixture.app.db);
    const response = await upload(admin, file);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(message);
    expect(await snapshotDatabase(fixture.app.db)).toEqual(before);
  });

  it('refuses a file over 5 MB with a clear message, storing nothing', async () => {
    const before = await snapshotDatabase(fixture.app.db);
    const big = `email,name,district,site,role,facilitator\n${'a@b.test,A,D,S,improvement-team,no\n'.repeat(160_000)}`;
    expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
    const response = await upload(admin, { name: 'big.csv', bytes: big });
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('The file is larger than 5 MB.');
    expect(await snapshotDatabase(fixture.app.db)).toEqual(before);
  });

  it('refuses an upload without a valid CSRF token', async () => {
    const before = await snapshotDatabase(fixture.app.db);
    const response = await upload(admin, { name: 'roster.csv', bytes: ROSTER }, 'forged');
    expect(response.statusCode).toBe(403);
    expect(await snapshotDatabase(fixture.app.db)).toEqual(before);
  });

  it('shows a file with problems with every line, column and reason, and cannot confirm it', async () => {
    const bad = 'email,name,district,site,role,facilitator\nnot-an-email,Zed,Alder District,Alder Elementary,teacher,maybe\n';
    const uploaded = await upload(admin, { name: 'bad.csv', bytes: bad });
    const previewUrl = String(uploaded.headers.location);
    const preview = await admin.get(previewUrl);
    expect(preview.body).toContain('The file has 3 problems. Nothing was imported.');
    expect(preview.body).toContain('&quot;teacher&quot; is not a role.');
    expect(preview.body).not.toContain('/confirm');
    const before = await snapshotDatabase(fixture.app.db);
    const forced = await admin.post(`${previewUrl}/confirm`, {}, { tokenFrom: previewUrl });
    expect(forced.statusCode).toBe(422);
    expect(await snapshotDatabase(fixture.app.db)).toEqual(before);
  });
});
