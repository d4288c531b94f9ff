import type { Store } from "../store/store";
import type { SeqMap } from "./live-protocol";

const PREFIX = "atmos2:live:";
const SEQ_PREFIX = `${PREFIX}seq:`;
const EPOCH_KEY = `${PREFIX}epoch`;

/**
 * The last applied seq per channel, and the server epoch they count in, kept
 * in the host's store so a reloaded page resumes where it stopped.
 */
export class SeqRecord {
  seqs: SeqMap = {};
  epoch: string | undefined;

  constructor(private store: Store) {}

  async load(): Promise<void> {
    const entries = await this.store.entries<number>(SEQ_PREFIX);
    const seqs: SeqMap = {};
    for (const [key, value] of entries) {
      if (typeof value === "number" && Number.isInteger(value) && value >= 0) seqs[key.slice(SEQ_PREFIX.length)] = value;
    }
    this.seqs = seqs;
    const epoch = await this.store.get<string>(EPOCH_KEY);
    this.epoch = typeof epoch === "string" ? epoch : undefined;
  }

  get(channel: string): number | undefined {
    return this.seqs[channel];
  }

  async set(channel: string, seq: number): Promise<void> {
    this.seqs[channel] = seq;
    await this.store.put(SEQ_PREFIX + channel, seq);
  }

  /** A new epoch means the old seqs count something else: forget them with it. */
  async setEpoch(epoch: string): Promise<void> {
    if (epoch === this.epoch) return;
    const stale = Object.keys(this.seqs);
    this.epoch = epoch;
    this.seqs = {};
    await this.store.batch([
      ...stale.map((channel) => ({ type: "delete" as const, key: SEQ_PREFIX + channel })),
      { type: "put" as const, key: EPOCH_KEY, value: epoch },
    ]);
  }
}
