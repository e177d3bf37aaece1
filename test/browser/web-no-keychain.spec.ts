/**
 * First launch where no keychain can be reached: the sandbox profile, which needs no secret, gets
 * a neutral note; a profile that needs one gets the red error; after "Keep secrets in memory for
 * this run" a saved secret says it is kept in memory, never "stored in the keychain".
 */
import type { Locator, Page } from '@playwright/test';
import { SCREENSHOTS, expect, test } from './fixtures.js';

// Its own app, whose D-Bus address reaches nothing: no Secret Service, as on a fresh server.
test.use({ appGroup: 'no-keychain', appEnv: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/clickstack-tray-test-bus' } });

const SIZES = [{ width: 1440, height: 900 }, { width: 800, height: 600 }];

/** The same moment at both sizes the app is looked at. */
async function shoot(page: Page, name: string, what?: Locator) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await (what ?? page).screenshot({ path: `${SCREENSHOTS}/${name}-${size.width}x${size.height}.png` });
  }
}

test('no keychain: a neutral note for the sandbox, red only when a secret is needed, memory wording after', async ({ page, app }) => {
  test.skip(process.platform !== 'linux', 'the keychain is reached over D-Bus only on Linux');
  await page.goto(app.launchUrl);
  await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
  await page.getByTestId('profile-select').selectOption('local-sandbox');
  const banner = page.getByTestId('vault-banner');
  await expect(banner).toHaveAttribute('data-tone', 'note');
  await expect(banner).toContainText('The Local sandbox needs no password or token, so nothing is missing');
  await shoot(page, 'no-keychain-sandbox');

  // A profile for a real ClickStack needs secrets: now it is an error.
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await expect(banner).toHaveAttribute('data-tone', 'error');
  await expect(page.getByTestId('secret-where-clickhousePassword')).toContainText('there is no keychain');
  await shoot(page, 'no-keychain-remote');

  await banner.getByRole('button', { name: 'Keep secrets in memory for this run' }).click();
  await expect(banner).toHaveAttribute('data-tone', 'warn');
  await expect(page.getByTestId('secret-where-clickhousePassword')).toHaveText('— not set; a value you save is kept in memory for this run only');
  const password = page.getByTestId('secret-clickhousePassword');
  await password.getByLabel('ClickHouse password').fill('memory-only-pw-1');
  await password.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('secret-where-clickhousePassword')).toHaveText('— kept in memory for this run only (gone when the app quits)');
  await expect(page.locator('body')).not.toContainText('stored in the keychain');
  await shoot(page, 'secret-in-memory', password);
  expect(await page.content()).not.toContain('memory-only-pw-1');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
});
