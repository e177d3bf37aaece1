/** The app shell in Chromium through the web bridge: token, every view, a contract round trip, screenshots. */
import { SCREENSHOTS, expect, test } from './fixtures.js';

test.describe('web shell', () => {
  test('opens with the token, shows every view, and round-trips contract calls', async ({ page, app }) => {
    await page.goto(app.launchUrl);
    // The token leaves the address bar once it has become a cookie.
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/(#.*)?$/);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');

    const views = [
      ['Setup', 'setup'],
      ['Health', 'health'],
      ['Live tail', 'tail'],
      ['Explore', 'explore'],
      ['Settings', 'settings'],
    ] as const;
    for (const [title, id] of views) {
      await page.getByRole('link', { name: title, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`#/${id}$`));
      await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
      await expect(page.getByRole('link', { name: title, exact: true })).toHaveAttribute('aria-current', 'page');
      if (id === 'setup') await expect(page.getByTestId('sandbox-card').getByRole('status')).toHaveText('running');
      if (id === 'health') await expect(page.getByTestId('pipeline-local-sandbox').getByRole('status')).toHaveText(/Idle|Healthy/);
      if (id === 'settings') {
        // app.getInfo answered over the web bridge, validated on both ends.
        await expect(page.getByTestId('app-version')).toHaveText(/^\d+\.\d+\.\d+$/);
        await expect(page.getByTestId('app-transport')).toHaveText('Browser (web bridge)');
        // Start at login belongs to the desktop app: in the browser the switch is off, disabled, and says why.
        const login = page.getByTestId('start-at-login');
        await expect(login.getByRole('switch')).toBeDisabled();
        await expect(login.getByRole('switch')).not.toBeChecked();
        await expect(login).toContainText('belongs to the desktop app');
      }
      await page.screenshot({ path: `${SCREENSHOTS}/view-${id}.png`, fullPage: true });
    }
  });

  test('is reachable by keyboard alone', async ({ page, app }) => {
    await page.goto(app.launchUrl);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Health', exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#\/health$/);
  });

  test('follows the OS dark mode', async ({ browser, app }) => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(app.launchUrl);
    await expect(page.locator('#root')).toHaveAttribute('data-app-state', 'ready');
    const background = await page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor);
    expect(background).toBe('rgb(21, 24, 28)');
    await page.screenshot({ path: `${SCREENSHOTS}/view-setup-dark.png` });
    await context.close();
  });

  test('without the token the page is refused', async ({ page, app }) => {
    const bare = app.launchUrl.replace(/\?token=.*$/, '');
    const response = await page.goto(bare);
    expect(response?.status()).toBe(401);
    await expect(page.locator('body')).toContainText('token');
  });
});
