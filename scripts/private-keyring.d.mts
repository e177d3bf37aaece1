/** Makes a Secret Service reachable for this process and its children; resolves to a function that stops what it started. */
export function ensureKeyring(log?: (line: string) => void): Promise<() => Promise<void>>;
