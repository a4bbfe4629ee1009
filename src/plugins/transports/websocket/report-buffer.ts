/**
 * ReportBuffer is a bounded FIFO (a ring). When it is full, adding drops the oldest item and hands it back so
 * the caller can count it.
 */
export class ReportBuffer<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#items = new Array<T | undefined>(capacity);
  }

  /** size is how many items are held. */
  get size(): number {
    return this.#size;
  }

  /** push appends an item; when full, the oldest item is removed and returned. */
  push(item: T): T | undefined {
    const evicted = this.#size === this.capacity ? this.shift() : undefined;
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return evicted;
  }

  /** unshift puts an item back at the front. When full it is the oldest, so it is not stored and is returned. */
  unshift(item: T): T | undefined {
    if (this.#size === this.capacity) return item;
    this.#head = (this.#head - 1 + this.capacity) % this.capacity;
    this.#items[this.#head] = item;
    this.#size++;
    return undefined;
  }

  /** peek returns the oldest item without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** shift removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** drain removes and returns every item, oldest first. */
  drain(): T[] {
    const items: T[] = [];
    while (this.#size > 0) items.push(this.shift() as T);
    return items;
  }
}
