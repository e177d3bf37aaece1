/**
 * Secrets behind an async interface, serialized per key. The keychain is the only place
 * they are kept; an in-memory vault exists only when the user chose it for this run.
 */
import type { SecretKind } from '../../shared/secret-vault-kinds.js';

export { SECRET_KINDS, type SecretKind } from '../../shared/secret-vault-kinds.js';

export interface SecretVault {
  readonly backend: 'keychain' | 'memory';
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

export function secretAccount(profileId: string, kind: SecretKind): string {
  return `${profileId}:${kind}`;
}

/** Runs operations on the same key one after another, so a set never races a delete. */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

export class MemoryVault implements SecretVault {
  readonly backend = 'memory' as const;
  private readonly secrets = new Map<string, string>();
  private readonly serial = new KeyedSerializer();

  get(account: string) {
    return this.serial.run(account, async () => this.secrets.get(account) ?? null);
  }
  set(account: string, secret: string) {
    return this.serial.run(account, async () => void this.secrets.set(account, secret));
  }
  delete(account: string) {
    return this.serial.run(account, async () => void this.secrets.delete(account));
  }
}
