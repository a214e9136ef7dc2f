/**
 * A big roster cannot stall the server: a file over ROSTER_MAX_ROWS is refused at upload with a
 * message (nothing stored), and the preview of one at the cap lets other requests through meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_MAX_ROWS } from '../../server/services/roster-csv.js';
import { signIn, type Agent } from '../support/http.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';

let fixture: NetworkFixture;
let admin: Agent;
beforeAll(async () => {
  fixture = await buildNetworkFixture();
  admin = await signIn(fixture.app, fixture.people.admin.email, PASSWORD, { remoteAddress: '10.44.0.1' });
});
afterAll(async () => {
  await fixture.app.close();
});

async function upload(text: string) {
  const form = new FormData();
  form.append('_csrf', await admin.csrfToken('/admin/import'));
  form.append('roster', new Blob([text], { type: 'text/csv' }), 'roster.csv');
  const request = new Request('http://icmap.test/admin/import', { method: 'POST', body: form });
  return fixture.app.inject({
    method: 'POST',
    url: '/admin/import',
    headers: { cookie: admin.cookie, 'content-type': request.headers.get('content-type') ?? '' },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

/** `rows` people, one improvement team each at a site of their own district. */
function roster(rows: number): string {
  const lines = ['email,name,district,site,role,facilitator'];
  for (let index = 0; index < rows; index += 1) {
    lines.push(`person${index}@big.test,Person ${index},District ${index % 40},Site ${index % 400},improvement-team,no`);
  }
  return lines.join('\n');
}

describe('a big roster', () => {
  it(`a file of more than ${ROSTER_MAX_ROWS} rows is refused with a message, and nothing is stored`, async () => {
    const response = await upload(roster(ROSTER_MAX_ROWS + 1));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(`at most ${ROSTER_MAX_ROWS.toLocaleString('en')} rows`);
    expect(response.body).toContain('Nothing was changed.');
    expect(await fixture.app.db.selectFrom('roster_imports').select('id').execute()).toEqual([]);
  });

  it('/healthz answers while the preview of a roster at the cap is being worked out', async () => {
    const uploaded = await upload(roster(ROSTER_MAX_ROWS));
    expect(uploaded.statusCode).toBe(303);
    const finished: string[] = [];
    const preview = admin.get(String(uploaded.headers.location)).then((response) => {
      finished.push('preview');
      return response;
    });
    // Sent once the preview is under way.
    await new Promise((resolve) => setImmediate(resolve));
    const health = fixture.app.inject('/healthz').then((response) => {
      finished.push('healthz');
      return response;
    });
    const [previewResponse, healthResponse] = await Promise.all([preview, health]);
    expect(healthResponse.statusCode).toBe(200);
    expect(previewResponse.statusCode).toBe(200);
    expect(finished).toEqual(['healthz', 'preview']);
  });
});
