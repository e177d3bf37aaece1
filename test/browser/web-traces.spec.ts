/** Live tail, search and the waterfall in Chromium, with seeded gateway traces. */
import type { APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

const hex = (n: number) => randomBytes(n).toString('hex');

/** One gateway trace: ChatCompletion → Model → Network Call, optionally failing. */
async function seedTrace(request: APIRequestContext, otlp: string, model: string, fail: boolean) {
  const traceId = hex(16);
  const [chat, mdl, net] = [hex(8), hex(8), hex(8)];
  const t0 = BigInt(Date.now() - 3000) * 1_000_000n;
  const ms = (n: number) => BigInt(n) * 1_000_000n;
  const a = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
  const span = (id: string, parent: string, name: string, from: number, to: number, attrs: Record<string, string>) => ({
    traceId, spanId: id, parentSpanId: parent, name, kind: 2,
    startTimeUnixNano: String(t0 + ms(from)), endTimeUnixNano: String(t0 + ms(to)),
    attributes: a(attrs), status: { code: fail && name === 'Network Call' ? 2 : 1, message: fail && name === 'Network Call' ? 'upstream 429' : '' },
  });
  // As the gateway exports them: the request's facts on the root, the call's metrics on the Model span.
  const requestAttrs = { 'tfy.span_type': 'ChatCompletion', 'tfy.request.model_name': model, 'tfy.request.created_by_subject': 'user:alice' };
  const metrics = { 'tfy.span_type': 'Model', 'tfy.model.name': model.split('/').pop()!, 'tfy.model.metric.input_tokens': '512', 'tfy.model.metric.output_tokens': '128', 'tfy.model.metric.cost_in_usd': '0.0021', 'tfy.model.metric.time_to_first_token_in_ms': '310' };
  const body = {
    resourceSpans: [{
      resource: { attributes: a({ 'service.name': 'tfy-llm-gateway' }) },
      scopeSpans: [{ spans: [
        span(chat, '', 'ChatCompletion', 0, 2400, { ...requestAttrs, 'tfy.input': 'What is ClickStack?', 'tfy.output': fail ? '' : 'An observability stack.' }),
        span(mdl, chat, 'Model', 20, 2380, metrics),
        span(net, mdl, 'Network Call', 30, 2370, { 'http.response.status_code': fail ? '429' : '200' }),
      ] }],
    }],
  };
  const res = await request.post(otlp, { headers: { 'content-type': 'application/json' }, data: JSON.stringify(body) });
  expect(res.status()).toBe(200);
  return traceId;
}

test.describe('traces', () => {
  test('the live tail shows requests, and their spans, as they arrive', async ({ page, app }) => {
    const otlp = await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Live tail', exact: true }).click();
    await expect(page.getByRole('grid', { name: 'Live requests' })).toBeVisible();
    await expect(page.getByTestId('tail-state')).toHaveText('Live');
    // Counted by the view, not by rendered rows: the table only renders the rows in view.
    const rate = page.getByTestId('tail-rate');
    const requestsBefore = Number(await rate.getAttribute('data-requests'));
    const before = Number(await rate.getAttribute('data-spans'));
    await seedTrace(page.request, otlp, 'azure-main/gpt-4.1', false);
    await seedTrace(page.request, otlp, 'anthropic/claude-3-5', true);
    // One row per request, its tokens and cost from the Model span; the failed one marked with its hop.
    await expect(rate).toHaveAttribute('data-requests', String(requestsBefore + 2), { timeout: 15_000 });
    await expect(page.getByTestId('request-row').filter({ hasText: 'anthropic/claude-3-5' })).toContainText('error');
    await expect(page.getByTestId('request-row').filter({ hasText: 'azure-main/gpt-4.1' }).first()).toContainText('$0.0021');
    await page.screenshot({ path: `${SCREENSHOTS}/live-tail-requests.png`, fullPage: true });
    await expect(rate).toHaveAttribute('data-spans', String(before + 6));
    await page.getByTestId('tail-mode-spans').click();
    await expect(page.getByTestId('span-row').filter({ hasText: 'error' })).toHaveCount(1);
    await expect(page.getByTestId('tail-rate')).toContainText('spans/s');
    await page.screenshot({ path: `${SCREENSHOTS}/live-tail.png`, fullPage: true });

    await page.getByTestId('tail-pause').click();
    await seedTrace(page.request, otlp, 'azure-main/gpt-4.1', false);
    await expect(page.getByTestId('tail-pause')).toHaveText('Resume (3 waiting)', { timeout: 15_000 });
    await page.getByTestId('tail-pause').click();
    await expect(rate).toHaveAttribute('data-spans', String(before + 9));
  });

  test('search filters in the query and explains a bad one', async ({ page, app }) => {
    const otlp = await openOnSandbox(page, app.launchUrl);
    await seedTrace(page.request, otlp, 'anthropic/claude-3-5', true);
    await seedTrace(page.request, otlp, 'azure-main/gpt-4.1', false);
    await page.getByRole('link', { name: 'Explore', exact: true }).click();
    await page.getByTestId('mode-spans').click();
    await page.getByTestId('search-input').fill('status:error AND name:"Network Call"');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByTestId('search-results')).toHaveAttribute('data-query', 'status:error AND name:"Network Call"');
    await expect(page.getByTestId('search-results')).toHaveAttribute('aria-busy', 'false');
    // Only failing Network Call spans remain once the answer is in.
    await expect(page.locator('.span-row .status-ok')).toHaveCount(0);
    await expect(page.locator('.span-row .status-error').first()).toBeVisible();
    for (const row of await page.getByTestId('span-row').all()) await expect(row).toContainText('Network Call');
    // Every anthropic trace failed at its Network Call: the model's requests count as failed, not only failing roots.
    await expect(page.getByRole('table', { name: 'Per-model summary' }).getByRole('row').filter({ hasText: 'anthropic/claude-3-5' })).toContainText('100.0%');
    // The summary describes the searched requests: the model that never failed is not among them.
    await expect(page.getByRole('table', { name: 'Per-model summary' }).getByRole('row').filter({ hasText: 'azure-main/gpt-4.1' })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/explore-search.png`, fullPage: true });
    await page.getByTestId('search-input').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByRole('table', { name: 'Per-model summary' }).getByRole('row').filter({ hasText: 'azure-main/gpt-4.1' })).toContainText('0.0%');

    await page.getByTestId('search-input').fill('(status:error');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page.getByTestId('search-error')).toHaveText('Search: This parenthesis is never closed. (at character 1)');
  });

  test('a trace opens as a waterfall that collapses, filters and shows the LLM call', async ({ page, app }) => {
    const otlp = await openOnSandbox(page, app.launchUrl);
    const traceId = await seedTrace(page.request, otlp, 'azure-main/gpt-4.1', false);
    await page.goto(`${app.launchUrl.replace(/\/\?token=.*$/, '')}/#/explore/trace/${traceId}`);
    const view = page.getByTestId('trace-view');
    await expect(view.getByTestId('wf-row')).toHaveCount(3);
    await expect(view.getByTestId('span-panel')).toContainText('An observability stack.');
    await expect(view.getByTestId('span-panel')).toContainText('310 ms');
    await page.screenshot({ path: `${SCREENSHOTS}/trace-waterfall.png`, fullPage: true });
    await view.getByRole('button', { name: 'Collapse Model' }).click();
    await expect(view.getByTestId('wf-row')).toHaveCount(2);
    await view.getByRole('button', { name: 'Expand Model' }).click();
    await view.getByLabel('Filter spans in this trace').fill('network');
    await expect(view.getByTestId('wf-row')).toHaveCount(1);
    const download = page.waitForEvent('download');
    await view.getByRole('button', { name: 'Export OTLP/JSON' }).click();
    expect((await download).suggestedFilename()).toBe(`trace-${traceId}.json`);
  });

  test('the live tail says when the sandbox died, then picks up what arrived after its restart', async ({ page, app }) => {
    const otlp = await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Live tail', exact: true }).click();
    await expect(page.getByTestId('tail-state')).toHaveText('Live');
    await page.getByTestId('tail-mode-spans').click();
    // The app's own sandbox process (its --data-dir is inside this worker's home), killed as a crash would,
    // three times in a row: the app waits 1, 2, then 5 s before restarting, so the tail surely meets the outage.
    const pattern = `--data-dir ${app.home}/sandbox`;
    const pid = () => execFileSync('pgrep', ['-f', '--', pattern], { encoding: 'utf8' }).trim();
    for (let crash = 0; crash < 3; crash++) {
      const victim = pid();
      execFileSync('kill', ['-KILL', victim]);
      if (crash < 2) await expect.poll(() => { try { return pid(); } catch { return ''; } }, { timeout: 30_000 }).not.toMatch(new RegExp(`^(${victim})?$`));
    }
    await expect(page.getByTestId('tail-state')).toHaveText('Reconnecting…', { timeout: 15_000 });
    await expect(page.getByTestId('tail-trouble')).toContainText('ClickHouse did not answer the tail');
    await page.screenshot({ path: `${SCREENSHOTS}/live-tail-reconnecting.png`, fullPage: true });
    await expect(page.getByTestId('tail-state')).toHaveText('Live', { timeout: 60_000 });
    const rate = page.getByTestId('tail-rate');
    const before = Number(await rate.getAttribute('data-spans'));
    await seedTrace(page.request, otlp, 'azure-main/gpt-4.1', false);
    await expect(rate).toHaveAttribute('data-spans', String(before + 3), { timeout: 15_000 });
  });
});
