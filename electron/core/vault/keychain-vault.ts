/** The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service) via @napi-rs/keyring. */
import { AsyncEntry } from '@napi-rs/keyring';
import { KeyedSerializer, type SecretVault } from './secret-vault.js';

export const KEYCHAIN_SERVICE = 'clickstack-tray';

export class KeychainUnavailableError extends Error {
  constructor(detail: string) {
    super(`The OS keychain cannot be reached (${detail}).`);
    this.name = 'KeychainUnavailableError';
  }
}

function reason(error: unknown): string {
  // The library's messages name the platform store, never the secret.
  return error instanceof Error ? error.message : String(error);
}

export class KeychainVault implements SecretVault {
  readonly backend = 'keychain' as const;
  private readonly serial = new KeyedSerializer();

  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  /** Writes, reads back and deletes a probe entry: the only honest test that the keychain works. */
  async probe(): Promise<{ available: true } | { available: false; detail: string }> {
    const entry = new AsyncEntry(this.service, '__probe__');
    try {
      await entry.setPassword('probe');
      const back = await entry.getPassword();
      await entry.deletePassword();
      return back === 'probe' ? { available: true } : { available: false, detail: 'a value written could not be read back' };
    } catch (error) {
      return { available: false, detail: reason(error) };
    }
  }

  get(account: string): Promise<string | null> {
    return this.serial.run(account, async () => {
      try {
        return (await new AsyncEntry(this.service, account).getPassword()) ?? null;
      } catch (error) {
        throw new KeychainUnavailableError(reason(error));
      }
    });
  }

  set(account: string, secret: string): Promise<void> {
    return this.serial.run(account, async () => {
      try {
        await new AsyncEntry(this.service, account).setPassword(secret);
      } catch (error) {
        throw new KeychainUnavailableError(reason(error));
      }
    });
  }

  delete(account: string): Promise<void> {
    return this.serial.run(account, async () => {
      try {
        await new AsyncEntry(this.service, account).deletePassword();
      } catch (error) {
        throw new KeychainUnavailableError(reason(error));
      }
    });
  }
}
