/**
 * A gateway conversation of three turns with 6 KB prompts, read as chat the way a user reads it:
 * the system prompt once (folded), each turn's new user message (turns 2 and 3 included) and its
 * answer, never the repeated history or raw JSON unless "Raw" is asked for, and "show all" bringing
 * a long message back whole. Screenshots at 1440×900 and 800×600 in test-results/screenshots.
 */
import { gatewayConversation, hugeToolConversation } from '../support/conversation-traffic.js';
import { otlpBody } from '../support/gateway-traffic.js';
import { SCREENSHOTS, expect, openOnSandbox, test } from './fixtures.js';

test('a 3-turn conversation with 6 KB prompts reads as chat', async ({ page, app }) => {
  const otlp = await openOnSandbox(page, app.launchUrl);
  const c = gatewayConversation(Date.now());
  const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(c.requests) });
  expect(res.status()).toBe(200);
  const id = c.conversationId;

  await page.setViewportSize({ width: 1440, height: 900 });
  // As the app opens a conversation (the LLM panel's link and older addresses): its Explore address.
  await page.goto(`${new URL(page.url()).origin}/#/explore/conversation/${encodeURIComponent(id)}`);
  const view = page.getByTestId('conversation-view');
  await expect(view).toHaveAttribute('data-state', 'loaded');
  const turns = view.getByTestId('turn');
  await expect(turns).toHaveCount(3);

  // The system prompt once, at the top and folded; no turn repeats it.
  const system = view.getByTestId('system-prompt');
  await expect(system).toHaveCount(1);
  await expect(system).toContainText('System prompt');
  await expect(system.getByTestId('system-message')).toBeHidden();
  for (let i = 0; i < 3; i++) await expect(turns.nth(i)).not.toContainText(`SYSTEM-${id}`);

  // Each turn's new user message, and only it: turn 3 does not repeat questions 1 and 2.
  for (let i = 0; i < 3; i++) {
    const input = turns.nth(i).getByTestId('turn-input');
    await expect(input).toHaveCount(1);
    await expect(input).toBeVisible();
    await expect(input).toContainText(`Q${i + 1}-${id} BEGIN.`);
    await expect(turns.nth(i).getByTestId('turn-output')).toContainText(`A${i + 1}-${id}`);
  }
  await expect(turns.nth(2)).not.toContainText(`Q1-${id}`);
  await expect(turns.nth(2)).not.toContainText(`Q2-${id}`);
  // Chat, not JSON.
  await expect(view).not.toContainText('"role"');
  await expect(view).not.toContainText('"content"');
  await page.screenshot({ path: `${SCREENSHOTS}/conversation-chat-1440x900.png` });

  // A long message is folded; "show all" brings the rest from the span's payload, to its last word.
  const third = turns.nth(2).getByTestId('turn-input');
  await expect(third).toHaveAttribute('data-folded', 'true');
  await expect(third).not.toContainText(`Q3-${id} END.`);
  await third.getByRole('button', { name: /^Show all \(6,\d{3} characters\)$/ }).click();
  await expect(third).toHaveAttribute('data-folded', 'false');
  await expect(third).toContainText(`Q3-${id} END.`);
  await expect(third.getByRole('button', { name: 'Show less' })).toBeVisible();
  await expect(view).not.toContainText('could not be loaded');
  await third.screenshot({ path: `${SCREENSHOTS}/conversation-show-all-message.png` });

  // The system prompt opens to its text, folded like any long message.
  await system.locator('summary').click();
  await expect(system.getByTestId('system-message')).toBeVisible();
  await expect(system.getByTestId('system-message')).toContainText(`SYSTEM-${id} BEGIN.`);
  await page.screenshot({ path: `${SCREENSHOTS}/conversation-show-all-1440x900.png` });

  // Raw JSON only when asked, per turn.
  const first = turns.nth(0);
  await first.getByRole('button', { name: 'Raw' }).click();
  await expect(first.getByTestId('turn-raw')).toContainText('"role": "system"');
  await first.getByRole('button', { name: 'Raw' }).click();
  await expect(first.getByTestId('turn-raw')).toHaveCount(0);

  // A small window: the chat still reads, and the transcript does not scroll sideways.
  await page.setViewportSize({ width: 800, height: 600 });
  await turns.nth(1).scrollIntoViewIfNeeded();
  await expect(turns.nth(1).getByTestId('turn-input')).toBeVisible();
  const overflow = await page.evaluate("(() => { const el = document.querySelector('[data-testid=conversation-view]'); return el.scrollWidth - el.clientWidth; })()");
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENSHOTS}/conversation-chat-800x600.png` });
});

test('a turn too big to read with the conversation says so and loads on demand', async ({ page, app }) => {
  const otlp = await openOnSandbox(page, app.launchUrl);
  const c = hugeToolConversation(Date.now());
  const res = await page.request.post(otlp, { headers: { 'content-type': 'application/json' }, data: otlpBody(c.requests) });
  expect(res.status()).toBe(200);
  const id = c.conversationId;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${new URL(page.url()).origin}/#/explore/conversation/${encodeURIComponent(id)}`);
  const view = page.getByTestId('conversation-view');
  await expect(view).toHaveAttribute('data-state', 'loaded');
  const second = view.getByTestId('turn').nth(1);
  // Said, not silently empty: its size, and a way to read it. Its answer is there meanwhile.
  await expect(second.getByTestId('turn-deferred')).toContainText(/Its input is \d{3} KB, too big to read with the conversation\./);
  await expect(second.getByTestId('turn-output')).toContainText(`A2-${id}`);
  await expect(second.getByTestId('turn-input')).toHaveCount(0);
  await second.getByRole('button', { name: 'Load the input' }).click();
  await expect(second.getByTestId('turn-input')).toHaveCount(1);
  await expect(second.getByTestId('turn-input')).toContainText(`Q2-${id} BEGIN.`);
  await expect(second).not.toContainText(`TOOL-${id}`);
  // Loaded whole: a long message folds on screen only, and "show all" unfolds it without another fetch.
  await second.getByTestId('turn-input').getByRole('button', { name: /^Show all/ }).click();
  await expect(second.getByTestId('turn-input')).toContainText(`Q2-${id} END.`);
  await expect(view).not.toContainText('could not be loaded');
  await second.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/conversation-deferred-1440x900.png` });
});
