/**
 * The gateway's traffic as a user meets it: hundreds of requests shaped like TrueFoundry's
 * (metrics on the Model span, conversations, streaming, fallbacks, rate limits, MCP tools,
 * long prompts), through the requests view, the summaries and charts, a trace's chat panel
 * and a conversation's transcript. Screenshots in test-results/screenshots.
 */
import { GATEWAY_SERVICE, gatewayMix, otlpBody, type GenRequest } from '../support/gateway-traffic.js';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

const SEED = 4242;
// Hundreds of requests would crowd the other files' tables: this file gets an app and sandbox of its own.
test.use({ appGroup: 'gateway-traffic' });

test.describe('gateway traffic', () => {
  let sent: GenRequest[] = [];

  test('requests, summaries, charts, a trace as a chat and a conversation', async ({ page, app }) => {
    test.setTimeout(120_000);
    const otlp = await openOnSandbox(page, app.launchUrl);
    sent = gatewayMix(400, SEED);
    for (let i = 0; i < sent.length; i += 100) {
      const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(sent.slice(i, i + 100)) });
      expect(res.status()).toBe(200);
    }
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.getByRole('link', { name: 'Explore', exact: true }).click();
    const results = page.getByTestId('search-results');
    await expect(results).toHaveAttribute('data-mode', 'requests');
    await expect(results).toHaveAttribute('data-query', '');
    await expect(page.getByTestId('request-row').first()).toBeVisible();
    // A rate-limited request shows as failed, with the hop that failed.
    const limited = sent.find((r) => r.kind === 'ratelimit')!;
    await expect(page.getByTestId('summary').getByTestId('models-table')).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/gateway-requests.png`, fullPage: true });
    // An MCP tool's long name, cut by its column, ends in an ellipsis and is named in full on hover.
    const call = sent.find((r) => r.mcp && r.mcp.tool.length > 15)!;
    const toolCell = page.getByTestId('request-what').filter({ hasText: `${call.mcp!.server} · ${call.mcp!.tool}` }).first();
    await expect(toolCell).toHaveAttribute('title', `${call.mcp!.server} · ${call.mcp!.tool}`);
    await expect(toolCell).toHaveCSS('text-overflow', 'ellipsis');
    // A model's account gives way before its name: "-mini" is never what the Model column cuts.
    const mini = page.getByTestId('request-row').locator('.head-gives-way[title="openai-main/gpt-4o-mini"] .kept').first();
    await expect(mini).toHaveText('/gpt-4o-mini');
    // Squeezed to the name and a little more, as a narrow column does: the account is cut, the name is whole.
    const squeezed = await mini.evaluate((el) => {
      const box = el.parentElement!;
      box.style.width = `${el.scrollWidth + 24}px`;
      const account = box.querySelector('.gives-way')!;
      return { nameCut: el.scrollWidth > el.clientWidth, accountCut: account.scrollWidth > account.clientWidth };
    });
    expect(squeezed, 'the account gives way, the model name is not cut').toEqual({ nameCut: false, accountCut: true });
    await mini.evaluate((el) => el.parentElement!.style.removeProperty('width'));

    // The per-model cost is what the Model spans reported — not $0.
    const truth = new Map<string, number>();
    for (const r of sent.filter((x) => x.model)) truth.set(r.model, (truth.get(r.model) ?? 0) + r.costUsd);
    const rows = page.getByTestId('models-table').getByRole('row');
    for (const [model, cost] of truth) {
      const row = rows.filter({ hasText: model }).filter({ has: page.getByRole('button', { name: `${model}: search model:"${model}"` }) });
      await expect(row.getByTestId('model-cost')).toHaveText(`$${cost < 0.01 ? cost.toPrecision(2) : cost.toFixed(4)}`);
    }

    // The header counts every request, the rows those with a model: the table says where the MCP-only ones went.
    const noModel = sent.filter((r) => !r.model).length;
    expect(noModel).toBeGreaterThan(0);
    await expect(page.getByTestId('models-unmodeled')).toHaveText(new RegExp(`^${noModel} requests name no model`));

    await page.getByRole('tab', { name: 'Users' }).click();
    await expect(page.getByTestId('users-table').getByRole('row')).toHaveCount(new Set(sent.map((r) => r.user)).size + 1);
    await page.getByRole('tab', { name: 'MCP tools' }).click();
    const mcpTools = new Set(sent.filter((r) => r.mcp).map((r) => `${r.mcp!.server}/${r.mcp!.tool}`));
    await expect(page.getByTestId('mcp-table').getByRole('row')).toHaveCount(mcpTools.size + 1);
    await page.getByTestId('summary').screenshot({ path: `${SCREENSHOTS}/gateway-mcp-summary.png` });
    await page.getByRole('tab', { name: 'Over time' }).click();
    for (const chart of ['chart-traffic', 'chart-latency', 'chart-cost']) await expect(page.getByTestId(chart).locator('canvas')).toBeVisible();
    await page.getByTestId('summary').screenshot({ path: `${SCREENSHOTS}/gateway-charts.png` });

    // Refreshed, the summary reads again only the time slices whose spans could have changed, and shows the same numbers.
    await page.getByRole('tab', { name: 'Models' }).click();
    await page.getByTestId('summary').getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByTestId('summary-totals')).toContainText(/\d+ of \d+ time slices reused/);
    for (const [model, cost] of truth) {
      const row = rows.filter({ hasText: model }).filter({ has: page.getByRole('button', { name: `${model}: search model:"${model}"` }) });
      await expect(row.getByTestId('model-cost')).toHaveText(`$${cost < 0.01 ? cost.toPrecision(2) : cost.toFixed(4)}`);
    }
    await page.getByTestId('summary').screenshot({ path: `${SCREENSHOTS}/gateway-summary-refreshed.png` });

    // A number in a summary searches for the requests behind it.
    await page.getByRole('tab', { name: 'Models' }).click();
    const [someModel] = [...truth.keys()];
    await page.getByRole('button', { name: `errors: search model:"${someModel}" status:error` }).click();
    await expect(results).toHaveAttribute('data-query', `model:"${someModel}" status:error`);
    // The focus goes to the search that now holds the drill, not to the page (the figure's button is redrawn).
    await expect(page.getByTestId('search-input')).toBeFocused();
    await expect(page.getByTestId('search-input')).toHaveValue(`model:"${someModel}" status:error`);
    const failing = sent.filter((r) => r.model === someModel && r.failed).length;
    await expect(results).toHaveAttribute('data-count', String(failing));

    // Within a search, a figure narrows it: one user's requests to one model, not everyone's.
    const someUser = sent.find((r) => r.model === someModel)!.user;
    await page.getByTestId('search-input').fill(`user:"${someUser}"`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(results).toHaveAttribute('data-query', `user:"${someUser}"`);
    await page.getByRole('button', { name: `requests: search model:"${someModel}"` }).click();
    await expect(results).toHaveAttribute('data-query', `(user:"${someUser}") model:"${someModel}"`);
    await expect(results).toHaveAttribute('data-count', String(sent.filter((r) => r.model === someModel && r.user === someUser).length));

    // The failed request's trace: the failing hop named, and its input as a chat (text, never HTML).
    await page.getByTestId('search-input').fill(`trace:${limited.traceId}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(results).toHaveAttribute('data-query', `trace:${limited.traceId}`);
    await page.getByTestId('request-row').first().click();
    const panel = page.getByTestId('llm-panel');
    await expect(panel.getByTestId('failed-hop')).toContainText('Failed at');
    await expect(panel.getByTestId('chat-input').locator('.msg')).not.toHaveCount(0);
    await expect(panel.getByTestId('chat-input')).toContainText('<script>alert(1)</script>');
    expect(await page.evaluate(() => (globalThis as unknown as { alerted?: boolean }).alerted)).toBeUndefined();

    // A long attribute (a whole prompt) scrolls in its own box and has its own Copy button, named by its start.
    const long = sent.find((r) => String(r.spans.find((x) => x.parentSpanId === '')?.attributes['tfy.input'] ?? '').length > 2000)!;
    await page.goto(`${app.launchUrl.replace(/\/\?token=.*$/, '')}/#/explore/trace/${long.traceId}`);
    const copyInput = page.getByTestId('span-panel').getByRole('button', { name: /^Copy tfy\.input: .*… \([\d,]+ characters\)$/ });
    await expect(copyInput).toBeVisible();
    const box = await page.getByTestId('span-panel').locator('code.long-value').first().boundingBox();
    expect(box!.height).toBeLessThanOrEqual(170);
    await page.getByTestId('span-panel').screenshot({ path: `${SCREENSHOTS}/span-panel-long-attribute.png` });
    // Every key fits its column (a long one breaks at its dots), none runs under its value.
    const overflowing = await page.getByTestId('span-panel').locator('.kv dt').evaluateAll((dts) => dts.filter((d) => d.scrollWidth > d.clientWidth + 1).map((d) => d.textContent));
    expect(overflowing, 'keys wider than their column').toEqual([]);

    // An MCP request's card names its server and tool, not a model it never called.
    const tool = sent.find((r) => r.kind === 'mcp')!;
    await page.goto(`${app.launchUrl.replace(/\/\?token=.*$/, '')}/#/explore/trace/${tool.traceId}`);
    await expect(panel.locator('h3')).toHaveText(`Request · ${tool.mcp!.server} · ${tool.mcp!.tool}`);
    await expect(panel.locator('dt', { hasText: 'Tool' }).first().locator('xpath=following-sibling::dd')).toHaveText(tool.mcp!.tool);
    await expect(panel.locator('dt', { hasText: 'Server' }).locator('xpath=following-sibling::dd')).toHaveText(tool.mcp!.server);
    await expect(panel.locator('dt', { hasText: /^Model$/ })).toHaveCount(0);

    // A successful chat request: the request's tokens and cost, summed from its Model span, on the root.
    const ok = sent.find((r) => r.kind === 'chat' && r.conversationId && sent.filter((x) => x.conversationId === r.conversationId).length >= 3)!;
    await page.goto(`${app.launchUrl.replace(/\/\?token=.*$/, '')}/#/explore/trace/${ok.traceId}`);
    await expect(panel).toContainText(`${ok.inputTokens.toLocaleString()} in · ${ok.outputTokens.toLocaleString()} out`);
    await expect(panel.getByTestId('chat-output')).toContainText('ships tomorrow');
    await panel.getByTestId('chat-input').getByRole('button', { name: 'Raw JSON' }).click();
    await expect(panel.getByTestId('chat-input').locator('pre')).toContainText('"role": "system"');
    await panel.getByTestId('chat-input').getByRole('button', { name: 'Chat' }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/gateway-trace-chat.png`, fullPage: true });

    // Its conversation, from the panel by the keyboard: every turn in order, and the focus in the drawer, not lost to the page.
    await panel.getByTestId('open-conversation').focus();
    await page.keyboard.press('Enter');
    const turns = sent.filter((r) => r.conversationId === ok.conversationId);
    await expect(page.getByTestId('conversation-view').getByTestId('turn')).toHaveCount(turns.length);
    await expect.poll(() => page.getByTestId('drawer').evaluate((el) => el.contains((globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement as never))).toBe(true);
    await expect(page.getByTestId('conversation-view').getByTestId('turn').first()).toContainText(`Question 1 in ${ok.conversationId}`);
    await page.screenshot({ path: `${SCREENSHOTS}/gateway-conversation.png`, fullPage: true });
    // Escape goes back the way the person came: to the trace the conversation was opened from, then to the list.
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('drawer').getByTestId('trace-view')).toContainText(ok.traceId);
    await expect(page.getByTestId('conversation-view')).toHaveCount(0);
    // Back from there leads on to what came before the trace (the MCP request), not into the conversation again.
    await page.goBack();
    await expect(page.getByTestId('drawer').getByTestId('trace-view')).toContainText(tool.traceId);
    await expect(page.getByTestId('conversation-view')).toHaveCount(0);
    await page.goForward();
    await expect(page.getByTestId('drawer').getByTestId('trace-view')).toContainText(ok.traceId);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('drawer')).toHaveCount(0);
    // A conversation opened from a list's cell while a trace is open closes on Escape: it was not reached from that trace.
    // (The list keeps its Conversation column beside an open trace only in a wide window.)
    await page.setViewportSize({ width: 2200, height: 1000 });
    await page.getByTestId('search-input').fill(`conversation:${ok.conversationId}`);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(results).toHaveAttribute('data-query', `conversation:${ok.conversationId}`);
    await page.getByTestId('request-row').first().click();
    await expect(page.getByTestId('drawer').getByTestId('trace-view')).toBeVisible();
    await page.getByTestId('conversation-link').first().click();
    await expect(page.getByTestId('conversation-view')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('drawer')).toHaveCount(0);
    await page.setViewportSize({ width: 1400, height: 1000 });
    expect(GATEWAY_SERVICE).toBe('tfy-llm-gateway');
  });

  test('HyperDX searches work as typed there, with completion, SQL mode, history and help', async ({ page, app }) => {
    await openOnSandbox(page, app.launchUrl);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.getByRole('link', { name: 'Explore', exact: true }).click();
    const results = page.getByTestId('search-results');
    const box = page.getByTestId('search-input');
    const submit = page.getByRole('button', { name: 'Search', exact: true });
    await page.getByTestId('mode-spans').click();

    // Copied from HyperDX as is.
    const model = 'openai-main/gpt-4o';
    await box.fill(`SpanAttributes.tfy.request.model_name:"${model}" StatusCode:Error`);
    await submit.click();
    await expect(results).toHaveAttribute('data-query', `SpanAttributes.tfy.request.model_name:"${model}" StatusCode:Error`);
    const failedRoots = sent.filter((r) => r.model === model && r.kind === 'ratelimit').length;
    await expect(results).toHaveAttribute('data-count', String(failedRoots));

    // A field that is not there is an error naming the nearest one, never an empty list.
    await box.fill('SpanAttributes.tfy.request.modl_name:"x"');
    await submit.click();
    await expect(page.getByTestId('search-error')).toContainText('Did you mean SpanAttributes.tfy.request.model_name:');

    // Completion from the table's own keys: Tab takes the highlighted one.
    await box.fill('');
    await box.pressSequentially('SpanAttributes.tfy.guard');
    await expect(page.getByTestId('search-suggestions')).toContainText('SpanAttributes.tfy.guardrail.result');
    await page.screenshot({ path: `${SCREENSHOTS}/search-completion.png`, fullPage: true });
    await box.press('Tab');
    await expect(box).toHaveValue(/^SpanAttributes\.tfy\.guardrail\.[a-z_.]+:$/);

    // HyperDX's SQL mode: a WHERE expression, run read-only; anything more is refused with the reason.
    await page.getByTestId('language-sql').click();
    await box.fill("StatusCode = 'Error' AND SpanName = 'Network Call'");
    await submit.click();
    await expect(results).toHaveAttribute('data-query', "StatusCode = 'Error' AND SpanName = 'Network Call'");
    expect(Number(await results.getAttribute('data-count'))).toBeGreaterThan(0);
    await box.fill("1 = 1; DROP TABLE otel_traces");
    await submit.click();
    await expect(page.getByTestId('search-error')).toContainText('";" is not allowed');

    // Recent searches when the box is empty, and the syntax help.
    await page.getByTestId('language-lucene').click();
    await box.fill('');
    await box.focus();
    await expect(page.getByTestId('search-suggestions')).toContainText(`SpanAttributes.tfy.request.model_name:"${model}" StatusCode:Error`);
    await page.getByTestId('search-help-toggle').click();
    await expect(page.getByTestId('search-help')).toContainText('SpanAttributes.key:value');
    await page.screenshot({ path: `${SCREENSHOTS}/search-help.png`, fullPage: true });
  });

  test('a flood: the tail takes every span, and says how many left the view', async ({ page, app }) => {
    test.setTimeout(120_000);
    const otlp = await openOnSandbox(page, app.launchUrl);
    await page.getByRole('link', { name: 'Live tail', exact: true }).click();
    await expect(page.getByTestId('tail-state')).toHaveText('Live');
    const rate = page.getByTestId('tail-rate');
    const before = Number(await rate.getAttribute('data-received'));
    // 2,000 requests (about 7,500 spans) that all started within the tail's 15-minute horizon: more than the view keeps (5,000).
    const flood = gatewayMix(2_000, 99, Date.now() + 5 * 60_000, 12 * 60_000);
    const spans = flood.reduce((n, r) => n + r.spans.length, 0);
    for (let i = 0; i < flood.length; i += 250) {
      const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(flood.slice(i, i + 250)) });
      expect(res.status()).toBe(200);
    }
    await expect(rate).toHaveAttribute('data-received', String(before + spans), { timeout: 30_000 });
    await expect(rate).toHaveAttribute('data-spans', '5000');
    await expect(page.getByTestId('tail-dropped')).toContainText(`Showing the newest 5,000 of ${(before + spans).toLocaleString('en-US')} spans`);
    await expect(page.getByTestId('tail-dropped')).toContainText(`the ${(before + spans - 5000).toLocaleString('en-US')} older ones`);
    await page.screenshot({ path: `${SCREENSHOTS}/live-tail-flood.png`, fullPage: true });
  });
});
