/**
 * An app's own GenAI instrumentation beside the gateway, as a user meets it: real spans from
 * OpenInference and OpenTelemetry's instrumentation around the real openai client (a local fake
 * provider answers), next to gateway traffic. With "All services" the requests show each call's
 * model and token split, the costs no span reported are estimated and marked, and a price set in
 * Settings replaces the catalog's for that model. Screenshots in test-results/screenshots.
 */
import { startFakeProvider } from '../support/genai/fake-provider.js';
import { runInstrumentedApp, type InstrumentedRun } from '../support/genai/run-instrumented.js';
import { gatewayMix, otlpBody } from '../support/gateway-traffic.js';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

test.use({ appGroup: 'genai-traffic' });

test('GenAI spans beside the gateway: token split, estimated cost marked, a price set in Settings', async ({ page, app }) => {
  test.setTimeout(120_000);
  const otlp = await openOnSandbox(page, app.launchUrl);
  const provider = await startFakeProvider();
  const runs: InstrumentedRun[] = [];
  try {
    expect((await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(gatewayMix(60, 11)) })).status()).toBe(200);
    for (const family of ['openinference', 'otel'] as const) runs.push(await runInstrumentedApp({ family, protocol: 'http', endpoint: otlp, providerUrl: provider.baseUrl, serviceName: `shop-${family}`, calls: ['chat', 'chat', 'error'] }));
  } finally {
    await provider.close();
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  await page.getByTestId('all-services').check();
  const results = page.getByTestId('search-results');

  // OpenInference's chat: its cache reads and reasoning tokens in the split, its cost estimated (no span reports one).
  const chat = runs[0]!.calls.find((c) => c.kind === 'chat')!;
  const usage = chat.response!.usage as { prompt_tokens: number; completion_tokens: number; prompt_tokens_details: { cached_tokens: number } };
  await page.getByTestId('search-input').fill(`trace:${chat.traceId}`);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-count', '1');
  const row = page.getByTestId('request-row');
  await expect(row).toContainText((usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens).toLocaleString());
  await expect(row).toContainText(usage.prompt_tokens_details.cached_tokens.toLocaleString());
  await expect(row.getByTestId('cost-estimated')).toHaveText(/^≈\$/);
  await expect(row.getByTestId('cost-estimated')).toHaveAttribute('title', /@pydantic\/genai-prices/);
  await row.click();
  const panel = page.getByTestId('llm-panel');
  await expect(panel).toContainText('OpenInference');
  await expect(panel).toContainText(`${usage.prompt_tokens_details.cached_tokens.toLocaleString()} cache read`);
  await expect(panel.getByTestId('chat-input')).toContainText('What colour is the sky?');
  await page.screenshot({ path: `${SCREENSHOTS}/genai-request.png`, fullPage: true });

  // The OTel instrumentation's 429: the row names the failing span and the provider's message, no hover needed.
  const limited = runs[1]!.calls.find((c) => c.kind === 'error')!;
  await page.getByTestId('search-input').fill(`trace:${limited.traceId}`);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(results).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('row-error')).toContainText(limited.spans[0]!.name);
  await expect(page.getByTestId('row-error')).toContainText('Rate limit reached');

  // All services: the apps' models are in the summary beside the gateway's, their cost marked as (partly) estimated.
  await page.getByTestId('search-input').fill('');
  await page.getByTestId('search-input').press('Enter');
  const models = page.getByTestId('models-table');
  const mini = models.getByRole('row').filter({ hasText: 'gpt-4o-mini-2024-07-18' });
  await expect(mini.getByTestId('cost-estimated')).toBeVisible();
  const before = await mini.getByTestId('cost-estimated').innerText();
  await page.getByTestId('summary').screenshot({ path: `${SCREENSHOTS}/genai-summary.png` });

  // A price of one's own for that model: a bad one is refused with the reason, a good one replaces the catalog's.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  const prices = page.getByTestId('price-overrides');
  await prices.getByLabel('Model', { exact: true }).fill('gpt-4o-mini-2024-07-18');
  await prices.getByLabel('Input, USD per million tokens').fill('-1');
  await prices.getByLabel('Output, USD per million tokens').fill('100');
  await prices.getByRole('button', { name: 'Set price' }).click();
  await expect(prices.getByRole('alert')).toContainText('Input price: a price cannot be negative');
  await prices.getByLabel('Input, USD per million tokens').fill('abc');
  await prices.getByRole('button', { name: 'Set price' }).click();
  await expect(prices.getByRole('alert')).toContainText('Input price needs a number');
  await prices.getByLabel('Input, USD per million tokens').fill('100');
  await prices.getByRole('button', { name: 'Set price' }).click();
  await expect(prices.getByTestId('price-override')).toHaveCount(1);
  await expect(prices.getByTestId('price-override')).toContainText('gpt-4o-mini-2024-07-18');
  await prices.screenshot({ path: `${SCREENSHOTS}/settings-prices.png` });
  // In a small window the card still fits without sideways scrolling.
  await page.setViewportSize({ width: 800, height: 600 });
  // A string body runs in the page, where the DOM exists (this file is typed for Node).
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
  await prices.screenshot({ path: `${SCREENSHOTS}/settings-prices-800x600.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('link', { name: 'Explore', exact: true }).click();
  await page.getByTestId('all-services').check();
  await page.getByRole('button', { name: 'Refresh' }).click();
  const after = page.getByTestId('models-table').getByRole('row').filter({ hasText: 'gpt-4o-mini-2024-07-18' }).getByTestId('cost-estimated');
  await expect(after).not.toHaveText(before);
  // Removed again, the catalog's estimate is back.
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await page.getByRole('button', { name: 'Remove the price for gpt-4o-mini-2024-07-18' }).click();
  await expect(page.getByTestId('price-overrides').getByTestId('price-override')).toHaveCount(0);
});
