/** The Health view with live data, and a sheet of the tray icons for every state. */
import { readFileSync } from 'node:fs';
import { SCREENSHOTS, expect, openOnSandbox, test, createProfile } from './fixtures.js';

// Its own app and sandbox: the first test starts from a sandbox no gateway span has reached yet
// (Idle), which the shared app cannot promise once other files have sent gateway traffic into it.
test.use({ appGroup: 'health' });

test.describe('health', () => {
  test('shows the sandbox pipeline Healthy once gateway spans arrive', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const card = page.getByTestId('pipeline-local-sandbox');
    await expect(card).toBeVisible();
    // As soon as the sandbox is up, its pipeline is checked again (no gateway traffic yet: Idle).
    await expect(card.getByRole('status')).toHaveText('Idle');

    // Gateway traffic: a test trace under the gateway's own service name.
    await page.getByLabel(/Use the gateway’s service name/).check();
    await page.getByTestId('send-test-trace').click();
    await expect(page.getByTestId('test-trace').getByRole('status')).toHaveText('landed');
    await card.getByRole('button', { name: 'Check now' }).click();
    await expect(card.getByRole('status')).toHaveText('Healthy');
    // Each age says what it is: how long the state has held and when the probes last answered, apart from the newest span's.
    await expect(card.getByTestId('pipeline-ages')).toHaveText(/^Healthy for \d+ (s|min); last checked \d+ s ago\.$/);
    await expect(card.getByTestId('newest-span')).toHaveText(/^started \d+ s ago$/);
    await expect(card.getByRole('img', { name: 'Gateway spans per minute, last hour' })).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/health-live.png`, fullPage: true });
    // Every tile comes from the probe registry, in its order, each OK with its typed (empty) failure kind.
    await expect(card.locator('[data-testid^="tile-"]')).toHaveCount(4);
    for (const id of ['collector', 'otlp', 'clickhouse']) await expect(card.getByTestId(`tile-${id}`)).toHaveAttribute('data-ok', 'true');
    await expect(card.getByTestId('tile-canary')).toHaveAttribute('data-ok', 'none');
    for (const size of [{ width: 1440, height: 900 }, { width: 800, height: 600 }]) {
      await page.setViewportSize(size);
      await page.screenshot({ path: `${SCREENSHOTS}/health-live-${size.width}x${size.height}.png` });
    }
  });

  test('a profile nothing answers for is Down, red, and each tile names its failure’s kind', async ({ page, app }) => {
    await page.goto(app.launchUrl);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    await createProfile(page, { name: 'Nothing answers', otlpEndpoint: 'http://127.0.0.1:9/v1/traces', clickhouseUrl: 'http://127.0.0.1:9' });
    await expect(page.getByTestId('profile-select')).toHaveValue(/^nothing-answers-/);
    const id = await page.getByTestId('profile-select').inputValue();
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const card = page.getByTestId(`pipeline-${id}`);
    await card.getByRole('button', { name: 'Check now' }).click();
    await expect(card.getByRole('status')).toHaveText('Down');
    await expect(card.locator('.badge')).toHaveClass(/\bbad\b/);
    await expect(card.getByTestId('tile-collector')).toHaveAttribute('data-failure', 'unreachable');
    await expect(card.getByTestId('tile-collector')).toContainText('Failing: no answer');
    // ClickHouse's table was never found for this profile: that is a profile not set up, not an outage of ClickHouse.
    await expect(card.getByTestId('tile-clickhouse')).toHaveAttribute('data-failure', 'unconfigured');
    await expect(card.getByTestId('tile-clickhouse')).toContainText('Failing: not set up');
    await card.screenshot({ path: `${SCREENSHOTS}/health-down-tiles.png` });
    // A profile made just now is being set up: Health shows it Down, but no "pipeline down" pops up over the page.
    // Counted once, not awaited away: a toast lasts 10 s, so a retrying assertion would pass once it had gone.
    await page.waitForTimeout(500);
    expect(await page.getByTestId('toast').filter({ hasText: 'Nothing answers: pipeline' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Setup', exact: true }).click();
    await page.getByTestId('profile-select').selectOption(id);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
  });

  test('pausing notifications is the core’s: it survives a reload and resumes on request', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const incidents = page.getByTestId('incidents');
    await incidents.getByRole('button', { name: 'Pause notifications for 1 hour' }).click();
    const resume = incidents.getByRole('button', { name: /^Resume notifications \(paused until / });
    await expect(resume).toBeVisible();
    await page.reload();
    await expect(resume).toBeVisible();
    await resume.click();
    await expect(incidents.getByRole('button', { name: 'Pause notifications for 1 hour' })).toBeVisible();
    await page.reload();
    await expect(incidents.getByRole('button', { name: 'Pause notifications for 1 hour' })).toBeVisible();
  });

  test('tray icons for every state', async ({ page }) => {
    const states = ['healthy', 'warning', 'down', 'idle'];
    const img = (file: string) => `data:image/png;base64,${readFileSync(`assets/${file}`).toString('base64')}`;
    const cells = states
      .map((s) => `<figure><div class="light"><img src="${img(`tray-${s}.png`)}" width="16"><img src="${img(`tray-${s}@2x.png`)}" width="32"></div><div class="dark"><img src="${img(`tray-${s}Template@2x.png`)}" width="32" class="tpl"></div><figcaption>${s}</figcaption></figure>`)
      .join('');
    await page.setContent(`<style>body{font:14px system-ui;display:flex;gap:24px;padding:16px}figure{margin:0;text-align:center}.light{background:#eee;padding:8px;display:flex;gap:8px;align-items:center}.dark{background:#222;padding:8px}.tpl{filter:invert(1)}</style>${cells}`);
    await expect(page.locator('figure')).toHaveCount(4);
    await page.screenshot({ path: `${SCREENSHOTS}/tray-icons.png` });
  });
});
