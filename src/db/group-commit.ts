import { isConnectionError } from "./client.js";

/**
 * Group commit: concurrent callers' writes of the same shape are coalesced into one statement.
 * Under load most of a turn's database cost is per statement (a round trip, a socket write,
 * parse and plan), not per row, so 50 turns committed in one statement cost little more than
 * one. When idle, an item is flushed at once (no added latency); while `maxInFlight` batches
 * are running, new items wait and go together in the next one.
 *
 * A failing batch is retried item by item, so one bad input fails only its own caller; not when
 * the connection failed, since the batch's outcome is then unknown (the callers see the error).
 */
export class GroupCommit<I, O> {
  private queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** Runs a batch; returns one output per input, in order. */
    private readonly runBatch: (inputs: I[]) => Promise<O[]>,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {}

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Items submitted in the same tick (one event-loop turn of HTTP requests) share a batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.execute(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async execute(batch: typeof this.queue): Promise<void> {
    try {
      const outputs = await this.runBatch(batch.map((b) => b.input));
      if (outputs.length !== batch.length)
        throw new Error(`group commit: ${outputs.length} results for ${batch.length}`);
      for (const [i, b] of batch.entries()) b.resolve(outputs[i] as O);
      return;
    } catch (err) {
      if (batch.length === 1 || isConnectionError(err)) {
        for (const b of batch) b.reject(err);
        return;
      }
    }
    // Retry one by one: each caller gets its own result or its own error.
    for (const b of batch) {
      try {
        const [out] = await this.runBatch([b.input]);
        b.resolve(out as O);
      } catch (err) {
        b.reject(err);
      }
    }
  }

  /** Items waiting or running (for shutdown and metrics). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }
}
