/**
 * Forms a keyboard user works through: after an action the focus stays somewhere sensible (never the page's body),
 * and a field with an error says so to a screen reader.
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

test.describe('form focus', () => {
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
    await expectInvalid(form.locator('input[name="value"]'), 'Threshold: needs a number.');
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
});
