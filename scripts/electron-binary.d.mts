export function electronBinary(options?: { download?: boolean }): { path: string | null; reason: string | null };
