/**
 * Quitting (from the tray menu, the dock or the OS) first stops the core — pollers, tails and
 * the sandbox child, which flushes and exits on SIGTERM — then lets the app quit. A stop that
 * hangs does not keep the app alive: after the grace period it quits anyway.
 */
export interface QuittingApp {
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** The sandbox gets its own 5 s between SIGTERM and SIGKILL; this covers that and the rest of the core. */
export const QUIT_GRACE_MS = 10_000;

export function stopBeforeQuit(app: QuittingApp, stop: () => Promise<void>, graceMs = QUIT_GRACE_MS, onError: (error: unknown) => void = () => undefined): void {
  let stopping: Promise<void> | null = null;
  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    if (stopping) return;
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref?.());
    stopping = Promise.race([stop().catch(onError), grace]).finally(() => {
      stopped = true;
      app.quit();
    });
  });
}
