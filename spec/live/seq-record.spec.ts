import { expect } from "chai";
import { SeqRecord } from "../../lib/live/seq-record";
import { WebStorageStore } from "../../lib/store/web-storage-store";
import { MemoryStorage } from "../fakes/memory-storage";

/**
 * Found by an attack on the live server (reading the client): the seqs were
 * kept in a plain object, so a channel named "__proto__" or "toString" read
 * Object.prototype or a function as its last seq, and the client could not
 * tell a change it had applied from a new one.
 */
describe("live client: the last seq of channels named like Object's own properties", () => {
  for (const channel of ["__proto__", "toString", "constructor", "hasOwnProperty"]) {
    it(`keeps and reloads the seq of a channel named ${channel}`, async () => {
      const store = new WebStorageStore(new MemoryStorage());
      const record = new SeqRecord(store);
      expect(record.get(channel), "before any change").to.equal(undefined);
      await record.set(channel, 3);
      expect(record.get(channel)).to.equal(3);
      const reloaded = new SeqRecord(store);
      await reloaded.load();
      expect(reloaded.get(channel), "after a reload").to.equal(3);
      expect(Object.keys(reloaded.seqs)).to.deep.equal([channel]);
    });
  }
});
