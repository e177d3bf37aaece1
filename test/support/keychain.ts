/** Whether a real Secret Service is reachable; CI must have one, a laptop run may not. */
import { KeychainVault } from '../../electron/core/vault/keychain-vault.js';

export async function keychainAvailability(): Promise<{ available: boolean; reason: string }> {
  const probe = await new KeychainVault(`clickstack-tray-test-probe-${process.pid}`).probe();
  if (probe.available) return { available: true, reason: '' };
  const reason = `no OS keychain here (${probe.detail}); run under scripts/with-test-keyring.sh`;
  if (process.env.CI) throw new Error(`CI must provide a Secret Service, but ${reason}`);
  console.log(`keychain tests skipped: ${reason}`);
  return { available: false, reason };
}
