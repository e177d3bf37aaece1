/** The vault against a real Secret Service, under a test-only service name, cleaned up afterwards. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainVault } from '../../electron/core/vault/keychain-vault.js';
import { VaultManager } from '../../electron/core/vault/vault-manager.js';
import { keychainAvailability } from '../support/keychain.js';

const service = `clickstack-tray-test-${randomUUID()}`;
const vault = new KeychainVault(service);
const accounts = ['p1:clickhousePassword', 'p1:otlpToken', 'race'];
let availability: { available: boolean; reason: string };

beforeAll(async () => {
  availability = await keychainAvailability();
});
afterAll(async () => {
  if (availability?.available) for (const a of accounts) await vault.delete(a);
});

describe('OS keychain vault', () => {
  it('stores, replaces, reads and deletes a secret', async ({ skip }) => {
    if (!availability.available) skip(availability.reason);
    expect(await vault.get('p1:clickhousePassword')).toBeNull();
    await vault.set('p1:clickhousePassword', 'first');
    await vault.set('p1:clickhousePassword', 'second ünïcode ✓');
    expect(await vault.get('p1:clickhousePassword')).toBe('second ünïcode ✓');
    await vault.delete('p1:clickhousePassword');
    expect(await vault.get('p1:clickhousePassword')).toBeNull();
  });

  it('serializes operations on one key: the last write wins, in order', async ({ skip }) => {
    if (!availability.available) skip(availability.reason);
    await Promise.all(Array.from({ length: 10 }, (_, i) => vault.set('race', `v${i}`)));
    expect(await vault.get('race')).toBe('v9');
    await Promise.all([vault.set('race', 'x'), vault.delete('race')]);
    expect(await vault.get('race')).toBeNull();
  });

  it('is chosen by the vault manager when it answers', async ({ skip }) => {
    if (!availability.available) skip(availability.reason);
    const manager = new VaultManager(vault);
    expect((await manager.init()).backend).toBe('keychain');
  });
});

describe('without a keychain', () => {
  it('refuses to store secrets until the user accepts memory for this run', async () => {
    const broken = new KeychainVault(service);
    broken.probe = async () => ({ available: false, detail: 'Secret Service not running' });
    const manager = new VaultManager(broken);
    const state = await manager.init();
    expect(state.backend).toBe('none');
    expect(state.detail).toContain('Secret Service not running');
    expect(() => manager.writable()).toThrow(/Keep secrets in memory for this run/);
    expect(manager.useMemory().backend).toBe('memory');
    await manager.writable().set('a', 'b');
    expect(await manager.read('a')).toBe('b');
  });
});
