/**
 * An async iterable fed by hand: what a Connect client reads a bidi stream's
 * requests from. Items pushed before anyone reads wait in order; `close()`
 * ends the iteration after them. Pushing after `close()` does nothing.
 */
export class PushQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;

  /** Queues `item` for the reader. */
  push(item: T): void {
    if (this.#closed) return;
    const waiting = this.#waiting;
    if (waiting !== undefined) {
      this.#waiting = undefined;
      waiting({ done: false, value: item });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the iteration once the queued items are read. */
  close(): void {
    this.#closed = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ done: false, value: item });
        if (this.#closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => {
          this.#waiting = resolve;
        });
      },
      return: () => {
        this.close();
        this.#items.length = 0;
        return Promise.resolve({ done: true, value: undefined });
      },
      // Connect's stream plumbing forwards a failure into the request
      // iterable; the queue then ends, as a generator would.
      throw: () => {
        this.close();
        this.#items.length = 0;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
