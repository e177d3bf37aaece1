/**
 * "Open in HyperDX" opens HyperDX's own search: a profile with a HyperDX URL under a path and a
 * traces source id (the form says where to find it, and what happens without it), then the test
 * trace's link and a trace's link carry source, where, whereLanguage, from, to and traceId — never
 * the `q` HyperDX ignores. Screenshot of the form's HyperDX fields in test-results/screenshots.
 */
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

// Its own app: the test adds a profile and makes it active.
test.use({ appGroup: 'hyperdx-link' });

/** The link's address as HyperDX reads it. */
function expectHyperdxSearch(href: string | null, traceId: string) {
  const url = new URL(href ?? '');
  expect(url.origin + url.pathname).toBe('https://hdx.example.com/hyperdx/search');
  const p = url.searchParams;
  expect([p.get('source'), p.get('where'), p.get('whereLanguage'), p.get('traceId')]).toEqual(['65f1c0ffee00', `TraceId:"${traceId}"`, 'lucene', traceId]);
  expect(p.has('q')).toBe(false);
  const [from, to] = [Number(p.get('from')), Number(p.get('to'))];
  expect(from).toBeLessThan(Date.now());
  expect(to).toBeGreaterThan(from);
}

test('Open in HyperDX builds HyperDX’s search URL from the profile’s HyperDX URL and source id', async ({ page, app }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openOnSandbox(page, app.launchUrl);
  // A profile of its own (the sandbox's fields are the sandbox's): a copy pointing at the same ClickStack.
  await page.getByRole('button', { name: 'Duplicate' }).click();
  const form = page.getByTestId('profile-form');
  const source = form.locator('label.field').filter({ has: page.locator('input[name="hyperdxSourceId"]') });
  await expect(source).toContainText('Empty: HyperDX opens its default source');
  await expect(source).toContainText('copy the value after source= in the address bar');
  await source.screenshot({ path: `${SCREENSHOTS}/profile-hyperdx-source-id-empty.png` });
  await form.locator('input[name="hyperdxUrl"]').fill('https://hdx.example.com/hyperdx/');
  await form.locator('input[name="hyperdxSourceId"]').fill('has space');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toContainText('a HyperDX source id has letters, digits, - and _');
  await form.locator('input[name="hyperdxSourceId"]').fill('65f1c0ffee00');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toContainText('Saved.');
  await expect(source).not.toContainText('Empty: HyperDX opens its default source');
  await source.screenshot({ path: `${SCREENSHOTS}/profile-hyperdx-source-id.png` });
  await page.getByRole('button', { name: 'Make active' }).click();
  await expect(page.getByRole('button', { name: 'Active', exact: true })).toBeDisabled();

  // The test trace's link (Health).
  await page.getByRole('link', { name: 'Health', exact: true }).click();
  await page.getByTestId('send-test-trace').click();
  const card = page.getByTestId('test-trace');
  await expect(card.getByRole('status')).toHaveText('landed', { timeout: 30_000 });
  const traceId = (await card.locator('code').first().innerText()).trim();
  expectHyperdxSearch(await card.getByRole('link', { name: 'Open in HyperDX' }).getAttribute('href'), traceId);

  // A trace's link, as Explore opens a trace.
  await page.goto(`${new URL(page.url()).origin}/#/explore/trace/${traceId}`);
  const link = page.getByTestId('trace-view').getByRole('link', { name: 'Open in HyperDX' });
  await expect(link).toBeVisible();
  expectHyperdxSearch(await link.getAttribute('href'), traceId);

  // Leave the worker's app on the sandbox profile.
  await page.getByRole('link', { name: 'Setup', exact: true }).click();
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('profile-select')).toHaveValue('local-sandbox');
});
