/**
 * Typed failures of the core. Domain code throws these; only the transport (TrayCore.call)
 * turns them into the contract's error codes, so a bad trace id or a bad search is a 400
 * with a sentence, never a 500.
 */
export type DomainErrorKind = 'bad_input' | 'not_found' | 'unavailable' | 'unauthorized' | 'internal';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

/** Something the user typed or sent cannot be used as it is. */
export class BadInputError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad_input', message, options);
    this.name = 'BadInputError';
  }
}
