/** One contract call over the web bridge's HTTP interface, with the launch token, as the page makes it. */
import type { WebBridge } from '../../electron/web/web-bridge.js';

/** A string body is sent as it is (hostile JSON, huge bodies); anything else as JSON. */
export async function callBridge(bridge: Pick<WebBridge, 'url' | 'token'>, method: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${bridge.url}/api/call/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-clickstack-token': bridge.token, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}
