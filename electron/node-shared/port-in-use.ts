/**
 * A server that cannot listen because another program holds its port: the one start-up failure a user fixes by
 * choosing another port, so it is said in one sentence that names the port and what to do, not as Node's
 * "listen EADDRINUSE: address already in use 127.0.0.1:4318".
 */

/** The sandbox exits with this when a port it was given is taken, so its supervisor can tell it from a crash. */
export const PORT_IN_USE_EXIT_CODE = 76;

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    /** What could not listen: "the sandbox's OTLP/HTTP receiver". */
    readonly what: string,
    /** Where the user chooses another port: "--otlp-port". */
    readonly flag: string,
  ) {
    super(`Port ${port} on 127.0.0.1 is already in use by another program, so ${what} cannot listen there. Stop that program, or give another port with ${flag} (0 picks a free one).`);
    this.name = 'PortInUseError';
  }
}

/**
 * Node's servers fail with code EADDRINUSE; grpc-js folds it into the text of its own error
 * ("No address added out of total 1 resolved errors: [listen EADDRINUSE …]"), so that one is read from its message.
 */
export function isAddressInUse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE' || /\bEADDRINUSE\b/.test(error.message);
}

/** The listen promise, with a port taken by another program said as a PortInUseError. */
export async function listenOn<T>(listening: Promise<T>, port: number | undefined, what: string, flag: string): Promise<T> {
  try {
    return await listening;
  } catch (error) {
    if (port && isAddressInUse(error)) throw new PortInUseError(port, what, flag);
    throw error;
  }
}
