import type { Store } from "../store/store";
import type { SeqMap } from "./live-protocol";

/**
 * The last applied seq per channel, and the server epoch they count in, kept
 * in the host's store so a reloaded page resumes where it stopped. The keys
 * start with the Atmos `prefix` ("atmos2:" unless set): two apps sharing one
 * storage each resume from what they applied themselves.
 */
/** A map of channel → seq with no prototype: a channel may be named "__proto__" or "toString". */
const seqMap = (): SeqMap => Object.create(null) as SeqMap;

export class SeqRecord {
  seqs: SeqMap = seqMap();
  epoch: string | undefined;
  private readonly seqPrefix: string;
  private readonly epochKey: string;

  constructor(
    private store: Store,
    prefix = "atmos2:",
    /** Whether every record write so far reached storage (not while storage is full). */
    private recordsStored: () => boolean = () => true,
  ) {
    this.seqPrefix = `${prefix}live:seq:`;
    this.epochKey = `${prefix}live:epoch`;
  }

  async load(): Promise<void> {
    const entries = await this.store.entries<number>(this.seqPrefix);
    const seqs = seqMap();
    for (const [key, value] of entries) {
      if (typeof value === "number" && Number.isInteger(value) && value >= 0) seqs[key.slice(this.seqPrefix.length)] = value;
    }
    this.seqs = seqs;
    const epoch = await this.store.get<string>(this.epochKey);
    this.epoch = typeof epoch === "string" ? epoch : undefined;
  }

  get(channel: string): number | undefined {
    return this.seqs[channel];
  }

  async set(channel: string, seq: number): Promise<void> {
    this.seqs[channel] = seq;
    // While records wait in memory (storage full), the stored number stays
    // behind them: a reloaded page is sent them again, not skipped past them.
    if (this.recordsStored()) await this.store.put(this.seqPrefix + channel, seq);
  }

  /** A new epoch means the old seqs count something else: forget them with it. */
  async setEpoch(epoch: string): Promise<void> {
    if (epoch === this.epoch) return;
    const stale = Object.keys(this.seqs);
    this.epoch = epoch;
    this.seqs = seqMap();
    await this.store.batch([
      ...stale.map((channel) => ({ type: "delete" as const, key: this.seqPrefix + channel })),
      { type: "put" as const, key: this.epochKey, value: epoch },
    ]);
  }
}
