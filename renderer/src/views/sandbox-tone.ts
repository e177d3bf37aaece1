import type { SandboxStatus } from '../../../electron/shared/contract';
import type { z } from 'zod';
import type { Tone } from '../components/StatusBadge';

export function sandboxTone(state: z.infer<typeof SandboxStatus>['state']): Tone {
  return state === 'running' ? 'ok' : state === 'starting' ? 'warn' : state === 'crashed' ? 'bad' : 'idle';
}
