/**
 * Forms a keyboard user works through: after an action the focus stays somewhere sensible (never the page's body),
 * a field with an error says so to a screen reader, and a value typed the way people write it ("20%") is taken.
 */
import type { Locator } from '@playwright/test';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

/** The field is marked invalid, and what a screen reader reads with it is the error line's text. */
async function expectInvalid(field: Locator, error: string) {
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  const id = await field.getAttribute('aria-describedby');
  expect(id).toBeTruthy();
  await expect(field.page().locator(`[id="${id}"]`)).toHaveText(error);
  await expect(field).toHaveAccessibleDescription(error);
}

// Its own app: the rules added here are not seen by another file's counts.
test.use({ appGroup: 'forms' });

test.describe('settings forms', () => {
  test('Add rule starts at the new rule’s first field; a saved rule keeps the focus on its row, Cancel on Add rule', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const card = page.getByTestId('alert-rules');
    await expect(card.getByTestId('alert-rule')).toHaveCount(4);
    await card.getByRole('button', { name: 'Add rule' }).focus();
    await page.keyboard.press('Enter');
    const form = card.getByTestId('alert-rule-form');
    await expect(form.locator('input[name="name"]')).toBeFocused();
    await page.keyboard.type('Focus rule');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form).toBeHidden();
    await expect(card.getByRole('checkbox', { name: 'Focus rule on' })).toBeFocused();

    await card.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.locator('input[name="name"]')).toBeFocused();
    await form.getByRole('button', { name: 'Cancel' }).click();
    await expect(card.getByRole('button', { name: 'Add rule' })).toBeFocused();
    await card.getByRole('button', { name: 'Remove Focus rule' }).click();
    await expect(card.getByTestId('alert-rule')).toHaveCount(4);
  });

  test('Check now keeps the focus on itself while it checks and after', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Health', exact: true }).click();
    const card = page.getByTestId('pipeline-local-sandbox');
    const button = card.getByRole('button', { name: /^(Check now|Checking…)$/ });
    await button.focus();
    await page.keyboard.press('Enter');
    await expect(card.getByRole('button', { name: 'Check now' })).toBeFocused();
    // Still the button: Enter again checks again.
    await page.keyboard.press('Enter');
    await expect(card.getByRole('button', { name: 'Check now' })).toBeFocused();
    await card.screenshot({ path: `${SCREENSHOTS}/health-check-now-focus.png` });
  });

  test('a field with an error is marked invalid and described by the error, in the alert rule and price forms', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const card = page.getByTestId('alert-rules');
    await card.getByRole('button', { name: 'Add rule' }).click();
    const form = card.getByTestId('alert-rule-form');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expectInvalid(form.locator('input[name="name"]'), 'Name: a rule needs a name.');
    await expect(form.locator('input[name="value"]')).not.toHaveAttribute('aria-invalid');
    // The next error moves the mark to its own field.
    await form.locator('input[name="name"]').fill('Marked');
    await form.locator('input[name="value"]').fill('five');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expectInvalid(form.locator('input[name="value"]'), 'Threshold: "five" is not a number; type one in %, such as 20.');
    await expect(form.locator('input[name="name"]')).not.toHaveAttribute('aria-invalid');
    await form.screenshot({ path: `${SCREENSHOTS}/alert-rule-invalid-field.png` });
    await form.getByRole('button', { name: 'Cancel' }).click();

    const prices = page.getByTestId('price-overrides');
    await prices.locator('input[name="model"]').fill('gpt-4o-mini');
    await prices.locator('input[name="inputPerMTok"]').fill('cheap');
    await prices.getByRole('button', { name: 'Set price' }).click();
    await expectInvalid(prices.locator('input[name="inputPerMTok"]'), 'Input price needs a number (USD per million tokens).');
    await expect(prices.locator('input[name="model"]')).not.toHaveAttribute('aria-invalid');
  });

  test('a rate threshold typed as "25%" is taken as 25 %; a % on a latency says what the unit is', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const card = page.getByTestId('alert-rules');
    await card.getByRole('button', { name: 'Add rule' }).click();
    const form = card.getByTestId('alert-rule-form');
    await form.locator('input[name="name"]').fill('Slow');
    await form.locator('select[name="metric"]').selectOption('p95LatencyMs');
    await form.locator('input[name="value"]').fill('20%');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expectInvalid(form.locator('input[name="value"]'), 'Threshold: p95 latency is in ms, not %; type a number such as 2000.');
    await form.locator('select[name="metric"]').selectOption('errorRate');
    await form.locator('input[name="name"]').fill('Percent');
    await form.locator('input[name="value"]').fill(' 25 % ');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form).toBeHidden();
    const row = card.locator('[data-testid="alert-rule"]', { hasText: 'Percent' });
    await expect(row).toContainText('Error rate above 25 % over 5 min, each model, at least 20 requests');
    // Edited again, it shows the number it holds, and a bare "%" is no number.
    await card.getByRole('button', { name: 'Edit Percent' }).click();
    await expect(form.locator('input[name="value"]')).toHaveValue('25');
    await form.locator('input[name="value"]').fill('%');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(form.getByRole('alert')).toHaveText('Threshold: "%" is not a number; type one in %, such as 20.');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: 'Remove Percent' }).click();
    await expect(card.getByTestId('alert-rule')).toHaveCount(4);
  });

  test('a cost threshold typed as "$5" is taken as 5 USD; a $ on a token count says what the unit is', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const card = page.getByTestId('alert-rules');
    await card.getByRole('button', { name: 'Add rule' }).click();
    const form = card.getByTestId('alert-rule-form');
    await form.locator('input[name="name"]').fill('Budget');
    await form.locator('select[name="metric"]').selectOption('tokens');
    await form.locator('input[name="value"]').fill('$5');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expectInvalid(form.locator('input[name="value"]'), 'Threshold: Tokens is in tokens, not $; type a number such as 100000.');
    await form.locator('select[name="metric"]').selectOption('costUsd');
    await form.locator('input[name="value"]').fill(' $ 5.50 ');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form).toBeHidden();
    const row = card.locator('[data-testid="alert-rule"]', { hasText: 'Budget' });
    await expect(row).toContainText(/Cost above \$5\.5/);
    await card.getByRole('button', { name: 'Edit Budget' }).click();
    await expect(form.locator('input[name="value"]')).toHaveValue('5.5');
    await form.locator('input[name="value"]').fill('$');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(form.getByRole('alert')).toContainText('Threshold: "$" is not a number');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: 'Remove Budget' }).click();
    await expect(card.getByTestId('alert-rule')).toHaveCount(4);
  });
});
