import Spine from "spine";
import "spine/lib/relation";
// Spine 1.2.2 as published (a second copy, the "spine-1.2.2" alias); its
// relation addon would load into the 1.6.2 copy, so its twins have none.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the alias has no types
const Spine122: any = require("spine-1.2.2");
import "../../../lib";

/**
 * The same two models twice: once as Spine publishes them, once extended with
 * Spine.Model.Atmosphere. An album has many photos (Spine's relation addon,
 * foreign key `album_id`), so relation creates are among the calls compared
 * (on Spine 1.6.2; the 1.2.2 twins skip them).
 *
 * Extended models are registered by class name for every Atmos instance, so
 * these names are used by no other spec file.
 */
export interface Twin {
  label: "plain" | "extended";
  Album: any;
  Photo: any;
}

export interface TwinPair {
  spine: string;
  plain: Twin;
  extended: Twin;
}

function defineTwin(spine: any, label: Twin["label"], prefix: string, relations: boolean): Twin {
  class Album extends spine.Model {}
  Album.configure(`${prefix}Album`, "title", "rank");
  class Photo extends spine.Model {}
  Photo.configure(`${prefix}Photo`, "title", "album_id");
  if (label === "extended") {
    Album.extend(Spine.Model.Atmosphere as object);
    Photo.extend(Spine.Model.Atmosphere as object);
  }
  // The foreign key is named, not derived from the class name, so both twins use `album_id`.
  if (relations) (Album as any).hasMany("photos", Photo, "album_id");
  return { label, Album, Photo };
}

export const plainTwin = defineTwin(Spine, "plain", "PlainFidelity", true);
export const extendedTwin = defineTwin(Spine, "extended", "Fidelity", true);

/** Both pairs the fidelity property runs on. */
export const twinPairs: TwinPair[] = [
  { spine: "1.6.2", plain: plainTwin, extended: extendedTwin },
  {
    spine: "1.2.2",
    plain: defineTwin(Spine122, "plain", "LegacyPlainFidelity", false),
    extended: defineTwin(Spine122, "extended", "LegacyFidelity", false),
  },
];

export type ModelName = "Album" | "Photo";
export const modelNames: ModelName[] = ["Album", "Photo"];

/** Empties a model's records in memory only, as a page just opened has them (not `deleteAll()`, which atmos2 keeps). */
export function forgetInMemory(model: any): void {
  model.records = [];
  model.irecords = {};
}

/** The twins back to no records, and Spine's `c-N` counter back to 0, before a run. */
export function resetTwins(pair: TwinPair = twinPairs[0]): void {
  for (const twin of [pair.plain, pair.extended]) {
    for (const name of modelNames) {
      forgetInMemory(twin[name]);
      twin[name].idCounter = 0;
    }
  }
}
