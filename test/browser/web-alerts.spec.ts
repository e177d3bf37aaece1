/**
 * Alert rules in the window, on a real app and sandbox: Settings lists the default rules,
 * refuses what cannot be judged with the field and the reason, adds and edits a rule, and
 * previews the last 24 h (two bursts of 429s: fired twice); a burst now raises the alert, the
 * toast names the model, and a click lands on Explore with the model's failed requests in the
 * rule's window; Health shows each rule's value against its threshold.
 */
import { postOtlp } from '../support/otlp-http.js';
import { gatewayRequest, otlpBody, seeded, type GenRequest } from '../support/gateway-traffic.js';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

test.use({ appGroup: 'alerts' });

const SONNET = 'anthropic-main/claude-sonnet-4';
const MIN = 60_000;
const rnd = seeded(2424);

/** 40 calls to the model over two minutes from `at`, 70 % of them failing with a 429. */
function burst(at: number): GenRequest[] {
  return Array.from({ length: 40 }, (_, i) => gatewayRequest(i % 10 < 7 ? 'ratelimit' : 'chat', at + i * 3000, rnd, { model: 2 }));
}

async function send(otlp: string, requests: GenRequest[]) {
  const r = await postOtlp(otlp, otlpBody(requests));
  expect(r.status).toBe(200);
}

test.describe('alert rules', () => {
  test.describe.configure({ mode: 'serial' });
  let otlp = '';

  test('Settings lists the defaults, refuses bad rules in words, adds and edits one, and previews the last 24 h', async ({ page, app }) => {
    otlp = await openOnSandbox(page, app.launchUrl);
    // Two bursts earlier today (outside the last hour, so the pipeline is not Stalled by them).
    await send(otlp, [...burst(Date.now() - 4 * 3600_000), ...burst(Date.now() - 2 * 3600_000)]);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const card = page.getByTestId('alert-rules');
    const rows = card.getByTestId('alert-rule');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0)).toContainText('Error rate above 20 % over 5 min, each model, at least 20 requests');
    await expect(rows.nth(1)).toContainText('p95 latency above 2× the previous 24 h over 15 min, each model, at least 50 requests');
    await expect(rows.nth(3)).toContainText('Cost with no amount set over a day, all traffic');
    await expect(rows.nth(0).getByRole('checkbox')).toBeChecked();
    await expect(rows.nth(3).getByRole('checkbox')).not.toBeChecked();

    // A budget cannot be turned on without an amount.
    await rows.nth(3).getByRole('checkbox').click();
    await expect(card.getByRole('alert')).toHaveText('Cost per day: set an amount to turn this rule on. Edit the rule to set it.');
    await expect(rows.nth(3).getByRole('checkbox')).not.toBeChecked();

    // Edit it: a value that is no number, then a negative one, then $5 — and on.
    await card.getByRole('button', { name: 'Edit Cost per day' }).click();
    const form = card.getByTestId('alert-rule-form');
    await form.locator('input[name="value"]').fill('five');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(form.getByRole('alert')).toHaveText('Threshold: "five" is not a number; type one in USD, such as 5.');
    await form.locator('input[name="value"]').fill('-5');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(form.getByRole('alert')).toHaveText('Threshold: a threshold cannot be negative.');
    await form.locator('input[name="value"]').fill('5');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(form).toBeHidden();
    await rows.nth(3).getByRole('checkbox').click();
    await expect(rows.nth(3).getByRole('checkbox')).toBeChecked();
    await expect(rows.nth(3)).toContainText('Cost above $5.00 over a day, all traffic');

    // Add one: no name, a rate over 100 %, then a valid one.
    await card.getByRole('button', { name: 'Add rule' }).click();
    await form.locator('input[name="windowMinutes"]').fill('10');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.getByRole('alert')).toHaveText('Name: a rule needs a name.');
    await form.locator('input[name="name"]').fill('Claude errors');
    await form.locator('input[name="scopeValue"]').fill(SONNET);
    await form.locator('input[name="value"]').fill('120');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.getByRole('alert')).toHaveText('Threshold: a rate is between 0 and 100 %.');
    await form.locator('input[name="windowMinutes"]').fill('0');
    await form.locator('input[name="value"]').fill('30');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.getByRole('alert')).toHaveText('Window: the window is at least 1 minute.');
    await form.locator('input[name="windowMinutes"]').fill('10');
    // The draft previews before it is saved.
    await form.getByRole('button', { name: 'Preview' }).click();
    await expect(form.getByTestId('alert-preview')).toHaveText('Would have fired 2 times in the last 24 h (checked every 5 min).');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(rows).toHaveCount(5);
    await expect(rows.nth(4)).toContainText(`Error rate above 30 % over 10 min, model ${SONNET}, at least 20 requests, for 1 min`);
    // Saved: the app reads it back the same.
    await page.reload();
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    await expect(rows).toHaveCount(5);

    // The default error rule, previewed over the day the sandbox holds: the two bursts.
    await rows.nth(0).getByRole('button', { name: 'Preview' }).click();
    await expect(rows.nth(0).getByTestId('alert-preview')).toHaveText('Would have fired 2 times in the last 24 h (checked every 5 min).');
    await rows.nth(4).getByRole('button', { name: 'Remove Claude errors' }).click();
    await expect(rows).toHaveCount(4);
    for (const size of [{ width: 1440, height: 900 }, { width: 800, height: 600 }]) {
      await page.setViewportSize(size);
      await card.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/alert-rules-${size.width}x${size.height}.png` });
    }
    await page.setViewportSize({ width: 1200, height: 800 });
  });

  test('a model failing now raises the alert; its notification opens Explore on the failed requests; Health shows value against threshold', async ({ page, app }) => {
    test.setTimeout(120_000);
    if (!otlp) otlp = await openOnSandbox(page, app.launchUrl);
    else await openOnSandbox(page, app.launchUrl);
    const sent = burst(Date.now() - 2 * MIN);
    await send(otlp, sent);
    // Without a minimum duration the next evaluation (started at once when the rule changes) fires.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const card = page.getByTestId('alert-rules');
    await card.getByRole('button', { name: 'Edit Model error rate' }).click();
    await card.getByTestId('alert-rule-form').locator('input[name="forMinutes"]').fill('0');
    await card.getByTestId('alert-rule-form').getByRole('button', { name: 'Save rule' }).click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Model error rate' });
    await expect(toast).toBeVisible({ timeout: 45_000 });
    await expect(toast).toContainText(`Local sandbox: Model error rate — ${SONNET}`);
    await expect(toast).toContainText(`${SONNET}: 70 % of 40 requests failed in the last 5 min`);
    await toast.click();

    // Explore, searching the model's failed requests over the rule's window.
    await expect(page).toHaveURL(/#\/explore\/?\?q=/);
    await expect(page.getByRole('link', { name: 'Explore', exact: true })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('search-input')).toHaveValue(`model:"${SONNET}" status:error`);
    // The requests behind it: the 28 failed calls just sent, none of the earlier bursts' (outside the window).
    const failed = sent.filter((r) => r.failed);
    await expect(page.getByTestId('search-results')).toHaveAttribute('data-query', `model:"${SONNET}" status:error`);
    // (The table renders the rows in view; the result holds them all.)
    await expect(page.getByTestId('search-results')).toHaveAttribute('data-count', String(failed.length));
    await expect(page.getByTestId('row-error').first()).toContainText('429');
    await page.screenshot({ path: `${SCREENSHOTS}/alert-explore.png` });

    // Health: the rule's value for the model against its threshold, firing; the incident links to the same search.
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const alerts = page.getByTestId('alerts');
    const scope = alerts.locator(`[data-rule-id="model-errors"] [data-scope="${SONNET}"]`);
    await expect(scope).toContainText('70 %');
    await expect(scope).toContainText('20 %');
    await expect(scope).toContainText('40');
    await expect(scope).toContainText('Firing');
    await expect(alerts.getByTestId('alerts-firing')).toHaveText('1 firing');
    const incident = page.getByTestId('incident').filter({ hasText: SONNET });
    await expect(incident).toHaveCount(1);
    await expect(incident).toContainText('Alert: Model error rate');
    await expect(incident.getByTestId('incident-explore')).toHaveAttribute('href', /^#\/explore\/\?q=model%3A%22anthropic-main%2Fclaude-sonnet-4%22\+status%3Aerror&from=\d+&to=\d+$/);
    for (const size of [{ width: 1440, height: 900 }, { width: 800, height: 600 }]) {
      await page.setViewportSize(size);
      await alerts.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/health-alerts-${size.width}x${size.height}.png` });
    }
  });
});
