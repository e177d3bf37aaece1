/** IPC channel names, derived from the contract so the two can never drift apart. */
import type { EventName, MethodName } from './contract.js';

export const methodChannel = (method: MethodName) => `clickstack:call:${method}`;
export const eventChannel = (event: EventName) => `clickstack:event:${event}`;
