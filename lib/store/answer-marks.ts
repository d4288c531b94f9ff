/**
 * Which records a server answer (or a removal) changed while a pull was out.
 * A pull notes the count of answers applied before it asks; answers applied
 * later are newer than what it reads, and its copy of those records is stale.
 * Only answers given while a pull is in flight are remembered, so the memory
 * stays bounded.
 */
export class AnswerMarks {
  private readsInFlight = 0;
  private mark = 0;
  /** `className:id` → the mark of the last answer that changed it. */
  private answered = new Map<string, number>();

  /** A pull is about to ask: returns the mark to check its records against. */
  beginRead(): number {
    this.readsInFlight++;
    return this.mark;
  }

  endRead(): void {
    if (--this.readsInFlight <= 0) {
      this.readsInFlight = 0;
      this.answered.clear();
    }
  }

  /** A server answer (or a removal) changed this record now: newer than what any pull in flight read. */
  stamp(className: string, id: string): void {
    ++this.mark;
    if (this.readsInFlight > 0) this.answered.set(`${className}:${id}`, this.mark);
  }

  /** Whether an answer or a removal changed this record after `mark` (a pull sent before it is stale for it). */
  changedSince(className: string, id: string, mark: number): boolean {
    // Asked for every pulled record: most pulls have no answer to look for.
    return this.answered.size > 0 && (this.answered.get(`${className}:${id}`) ?? 0) > mark;
  }
}
