/**
 * Chooses where secrets live: the OS keychain when it answers, otherwise nowhere until the
 * user explicitly accepts an in-memory vault for this run. There is no plaintext fallback.
 */
import { BadInputError } from '../errors.js';
import { registerSecret } from '../log.js';
import { KeychainVault } from './keychain-vault.js';
import { MemoryVault, type SecretVault } from './secret-vault.js';

export interface VaultState {
  backend: 'keychain' | 'memory' | 'none';
  detail: string;
}

export class VaultManager {
  private vault: SecretVault | null = null;
  private state: VaultState = { backend: 'none', detail: 'The keychain has not been checked yet.' };

  constructor(private readonly keychain: KeychainVault = new KeychainVault()) {}

  async init(): Promise<VaultState> {
    const probe = await this.keychain.probe();
    if (probe.available) {
      this.vault = this.keychain;
      this.state = { backend: 'keychain', detail: 'Secrets are kept in the OS keychain.' };
    } else {
      this.state = {
        backend: 'none',
        detail: `The OS keychain cannot be reached (${probe.detail}). Secrets can be kept in memory for this run only, or not at all.`,
      };
    }
    return this.state;
  }

  useMemory(): VaultState {
    if (this.state.backend === 'keychain') return this.state;
    this.vault = new MemoryVault();
    this.state = { backend: 'memory', detail: 'Secrets are kept in memory for this run only; they are gone when the app quits.' };
    return this.state;
  }

  get status(): VaultState {
    return this.state;
  }

  /** The vault to write to, or a clear refusal. */
  writable(): SecretVault {
    if (!this.vault) throw new BadInputError(`${this.state.detail} Choose “Keep secrets in memory for this run” to continue without a keychain.`);
    return this.vault;
  }

  /** Reading never fails the caller: no vault means no secret. */
  async read(account: string): Promise<string | null> {
    const secret = this.vault ? await this.vault.get(account) : null;
    // Every secret handed out is known to the logger, which blanks it wherever it appears.
    if (secret) registerSecret(secret);
    return secret;
  }
}
