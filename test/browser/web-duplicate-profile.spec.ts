/** Duplicate leaves the source's secrets behind, and the copy says which it lacks until they are entered. */
import type { Page } from '@playwright/test';
import { SCREENSHOTS, expect, test, createProfile } from './fixtures.js';

test.use({ appGroup: 'forms' });

/** The ClickHouse password of the profile in view: a place to keep it first when there is no keychain (as here without one). */
async function savePassword(page: Page, value: string) {
  const keepInMemory = page.getByTestId('vault-banner').getByRole('button', { name: 'Keep secrets in memory for this run' });
  if (await keepInMemory.isVisible()) await keepInMemory.click();
  const field = page.getByTestId('secret-clickhousePassword');
  await field.getByLabel('ClickHouse password').fill(value);
  await field.getByRole('button', { name: /^(Save|Replace)$/ }).click();
  await expect(page.getByTestId('secret-where-clickhousePassword')).not.toContainText('not set');
}

test('a duplicated profile starts without the password and says to enter one for the copy', async ({ page, app }) => {
  await page.goto(app.launchUrl);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
  await createProfile(page, { name: 'Secret source', otlpEndpoint: 'http://127.0.0.1:9/v1/traces', clickhouseUrl: 'http://127.0.0.1:9' });
  await expect(page.getByTestId('profile-select')).toHaveValue(/^secret-source-/);
  await savePassword(page, 'source-only-pw-1');

  await page.getByRole('button', { name: 'Duplicate' }).click();
  await expect(page.getByTestId('profile-select').locator('option:checked')).toHaveText('Secret source copy');
  await expect(page.getByTestId('secret-where-clickhousePassword')).toContainText('not set');
  const note = page.getByTestId('duplicate-secrets-note');
  await expect(note).toHaveText('“Secret source copy” starts without the ClickHouse password of “Secret source”: secrets are not copied with a profile. Enter the ClickHouse password for the copy below.');
  await page.screenshot({ path: `${SCREENSHOTS}/duplicate-profile-no-secret.png` });
  // Entered: the note has done its work.
  await savePassword(page, 'copy-pw-2');
  await expect(note).toBeHidden();
  expect(await page.content()).not.toContain('source-only-pw-1');

  for (const name of ['Secret source copy', 'Secret source']) {
    await page.getByTestId('profile-select').selectOption({ label: name });
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByTestId('profile-select').locator('option', { hasText: name })).toHaveCount(0);
  }
});
