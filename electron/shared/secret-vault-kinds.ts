/** The secrets a profile can hold. Kept apart so the contract can name them without importing vault code. */
export const SECRET_KINDS = ['clickhousePassword', 'otlpToken'] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];
