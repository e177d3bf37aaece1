/**
 * Group commit for the receiver's inserts. Requests that arrive while an insert runs wait
 * and go into the next insert together: fewer, larger inserts (fewer parts for ClickHouse
 * to merge) under concurrent senders, while each request's rows still land in exactly one
 * insert and its 200 is sent only after that insert, so a 200 still means queryable. When a
 * shared insert fails, each request is retried alone: a request that cannot be stored fails
 * by itself, and the others are stored.
 */

/** JSONEachRow text, one row per line (each payload ends with a newline, so payloads concatenate). */
type Payload = Buffer;

interface Waiting {
  payload: Payload;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Above this, a group is cut: memory stays bounded whatever the senders do. */
export const MAX_GROUP_BYTES = 32 * 1024 * 1024;

export class GroupCommit {
  private readonly waiting: Waiting[] = [];
  private running = false;
  /** Inserts made and payloads they carried (benchmarks and tests read them). */
  inserts = 0;
  payloads = 0;

  constructor(
    private readonly write: (payload: Payload) => Promise<unknown>,
    private readonly maxBytes = MAX_GROUP_BYTES,
  ) {}

  submit(payload: Payload): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ payload, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const group: Waiting[] = [];
      let bytes = 0;
      // Always at least one payload, however large; then as many as fit.
      while (this.waiting.length > 0 && (group.length === 0 || bytes + this.waiting[0]!.payload.length <= this.maxBytes)) {
        const next = this.waiting.shift()!;
        bytes += next.payload.length;
        group.push(next);
      }
      try {
        await this.write(group.length === 1 ? group[0]!.payload : Buffer.concat(group.map((g) => g.payload)));
        this.inserts++;
        this.payloads += group.length;
        for (const g of group) g.resolve();
      } catch (error) {
        if (group.length === 1) {
          group[0]!.reject(error);
          continue;
        }
        // One bad request must not fail its neighbours: each is tried alone, and answered for itself.
        for (const g of group) {
          try {
            await this.write(g.payload);
            this.inserts++;
            this.payloads++;
            g.resolve();
          } catch (alone) {
            g.reject(alone);
          }
        }
      }
    }
    this.running = false;
  }
}
