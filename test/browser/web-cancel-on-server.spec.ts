/**
 * Cancel ends a query on the server, not only on the page: the sandbox's one engine thread is kept
 * busy by a statement of the test's own, so Explore's search and summary wait in the sandbox's
 * process list (its system.processes, which the sandbox serves at /queries while the engine is
 * busy); Cancel in the page drops them there, and when the engine is free again they never run.
 */
import { z } from 'zod';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

// Its own app and sandbox: the busy engine would hold up every other file's queries.
test.use({ appGroup: 'cancel-on-server' });

const Queries = z.object({
  processes: z.array(z.object({ queryId: z.string(), state: z.enum(['queued', 'running']) })),
  recent: z.array(z.object({ queryId: z.string(), outcome: z.enum(['finished', 'failed', 'cancelled']) })),
});
/** The page's calls carry a random UUID; each statement of a call is `<uuid>:<n>`. */
const CALL_STATEMENT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):\d+$/;

test('Cancel drops the waiting search and summary from the server, and they never run', async ({ page, app }) => {
  test.setTimeout(90_000);
  await openOnSandbox(page, app.launchUrl);
  const endpoint = (label: string) => page.locator('.endpoint', { hasText: label }).locator('code').innerText();
  const clickhouse = await endpoint('ClickHouse HTTP');
  const health = await endpoint('Collector health');
  const processList = async () => Queries.parse(await (await fetch(new URL('/queries', health))).json());

  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  const results = page.getByTestId('search-results');
  await expect(results).toHaveAttribute('aria-busy', 'false');

  // Eight seconds of sleeping row by row: as long on an idle machine as on a loaded one.
  const busy = fetch(`${clickhouse}/?query_id=browser-occupier`, { method: 'POST', body: 'SELECT sum(sleepEachRow(0.5)) FROM numbers(16) SETTINGS max_block_size = 1' });
  await expect.poll(async () => (await processList()).processes.some((p) => p.queryId === 'browser-occupier' && p.state === 'running')).toBe(true);

  // Every call the page starts from here on (the search replaces the list's and summary's calls at once).
  const started = new Set<string>();
  page.on('request', (r) => {
    const body = r.postData();
    const id = body?.startsWith('{') ? (JSON.parse(body) as { queryId?: unknown; profileId?: unknown }) : null;
    if (id && typeof id.queryId === 'string' && id.profileId !== undefined) started.add(id.queryId);
  });
  // How each of those calls was answered: a stopped call is not the app failing.
  const answers: Promise<{ queryId: string; status: number; code: string | undefined }>[] = [];
  page.on('response', (r) => {
    const body = r.request().postData();
    const id = body?.startsWith('{') ? (JSON.parse(body) as { queryId?: unknown; profileId?: unknown }) : null;
    if (!id || typeof id.queryId !== 'string' || id.profileId === undefined || !r.url().includes('/api/call/traces.')) return;
    const queryId = id.queryId;
    answers.push(r.json().then((b: { error?: { code?: string } }) => ({ queryId, status: r.status(), code: b.error?.code }), () => ({ queryId, status: r.status(), code: undefined })));
  });
  await page.getByTestId('search-input').fill('status:error');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const progress = page.getByTestId('list-progress');
  await expect(progress).toContainText(/Reading… .*\d+ s/, { timeout: 5_000 });
  await expect(page.getByTestId('summary-progress')).toContainText('Reading…');

  // The page's statements wait behind the busy one, in the server's process list.
  const waiting = (await processList()).processes.filter((p) => CALL_STATEMENT.test(p.queryId));
  expect(waiting.length, 'the search and the summary wait on the server').toBeGreaterThan(0);
  expect(new Set(waiting.map((p) => p.state))).toEqual(new Set(['queued']));
  const calls = new Set(waiting.map((p) => CALL_STATEMENT.exec(p.queryId)![1]!));

  // One Cancel stops the search: its list and the summary of the same search.
  await progress.getByRole('button', { name: 'Cancel the search' }).click();
  await expect(page.getByTestId('list-cancelled')).toContainText('Cancelled');
  await expect(page.getByTestId('summary-cancelled')).toContainText('Cancelled');

  for (const id of calls) expect(started, 'a waiting statement belongs to a call the page started').toContain(id);
  // The search superseded the calls the page had just started; none of them may be left on the server either.
  const ofCancelled = (id: string) => started.has(CALL_STATEMENT.exec(id)?.[1] ?? '');
  // Gone from the server's process list while the engine is still busy: dropped, not run later.
  await expect.poll(async () => (await processList()).processes.filter((p) => ofCancelled(p.queryId)).length, { timeout: 5_000 }).toBe(0);
  expect((await processList()).processes.some((p) => p.queryId === 'browser-occupier'), 'the busy statement was still running when they were dropped').toBe(true);
  await page.screenshot({ path: `${SCREENSHOTS}/explore-cancelled-on-server.png`, fullPage: true });

  expect((await busy).status).toBe(200);
  const after = await processList();
  const outcomes = after.recent.filter((r) => ofCancelled(r.queryId)).map((r) => r.outcome);
  expect(outcomes.length).toBeGreaterThan(0);
  expect(new Set(outcomes), 'every statement of the cancelled calls was dropped; none ran once the engine was free').toEqual(new Set(['cancelled']));
  expect(after.processes.filter((p) => ofCancelled(p.queryId))).toEqual([]);
  // Each cancelled call (the superseded ones and the Cancel's) answered 499 "cancelled", none 500 "internal".
  await expect.poll(async () => (await Promise.all(answers)).filter((a) => calls.has(a.queryId)).length).toBe(calls.size);
  const stopped = (await Promise.all(answers)).filter((a) => a.status >= 400);
  expect(stopped.length).toBeGreaterThan(0);
  expect(new Set(stopped.map((a) => `${a.status} ${a.code}`))).toEqual(new Set(['499 cancelled']));
});
