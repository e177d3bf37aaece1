/**
 * Forms a keyboard user works through: after an action the focus stays somewhere sensible (never the page's body),
 * and a field with an error says so to a screen reader.
 */
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

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
});
