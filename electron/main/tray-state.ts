/** Derives the tray's state from what the core knows. */
import type { z } from 'zod';
import type { SandboxStatus } from '../contract.js';
import type { TrayState } from './tray-presenter.js';

export function trayStateFromSandbox(status: z.infer<typeof SandboxStatus>): TrayState {
  switch (status.state) {
    case 'running':
      return { tone: 'healthy', headline: 'Local sandbox running' };
    case 'starting':
      return { tone: 'idle', headline: 'Starting the local sandbox…' };
    case 'crashed':
      return { tone: 'down', headline: 'Local sandbox stopped unexpectedly' };
    case 'stopped':
      return { tone: 'warning', headline: 'Local sandbox stopped' };
    case 'disabled':
      return { tone: 'idle', headline: 'No pipeline configured' };
  }
}
