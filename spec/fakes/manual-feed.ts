import type { ChangeFeed } from "../../lib/store/change-feed";

/**
 * The news another tab's writes bring (which storage keys changed), told when
 * a spec says so: `tell(keys)` is a `storage` event or BroadcastChannel
 * message arriving, late or early as the spec needs. What this Atmos
 * publishes is kept in `published`.
 */
export class ManualFeed implements ChangeFeed {
  readonly published: string[][] = [];
  private listeners = new Set<(keys: string[]) => void>();

  publish(keys: string[]): void {
    this.published.push(keys);
  }

  subscribe(listener: (keys: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
  }

  tell(keys: string[]): void {
    for (const listener of this.listeners) listener(keys);
  }
}
