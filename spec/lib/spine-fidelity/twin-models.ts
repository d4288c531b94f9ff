import Spine from "spine";
import "spine/lib/relation";
import "../../../lib";

/**
 * The same two models twice: once as Spine publishes them, once extended with
 * Spine.Model.Atmosphere. An album has many photos (Spine's relation addon,
 * foreign key `album_id`), so relation creates are among the calls compared.
 *
 * Extended models are registered by class name for every Atmos instance, so
 * these names are used by no other spec file.
 */
export interface Twin {
  label: "plain" | "extended";
  Album: any;
  Photo: any;
}

function defineTwin(label: Twin["label"], prefix: string): Twin {
  class Album extends Spine.Model {}
  Album.configure(`${prefix}Album`, "title", "rank");
  class Photo extends Spine.Model {}
  Photo.configure(`${prefix}Photo`, "title", "album_id");
  if (label === "extended") {
    Album.extend(Spine.Model.Atmosphere as object);
    Photo.extend(Spine.Model.Atmosphere as object);
  }
  // The foreign key is named, not derived from the class name, so both twins use `album_id`.
  (Album as any).hasMany("photos", Photo, "album_id");
  return { label, Album, Photo };
}

export const plainTwin = defineTwin("plain", "PlainFidelity");
export const extendedTwin = defineTwin("extended", "Fidelity");

export type ModelName = "Album" | "Photo";
export const modelNames: ModelName[] = ["Album", "Photo"];

/** Empties a model's records in memory only, as a page just opened has them (not `deleteAll()`, which atmos2 keeps). */
export function forgetInMemory(model: any): void {
  model.records = [];
  model.irecords = {};
}

/** Both twins back to no records, and Spine's `c-N` counter back to 0, before a run. */
export function resetTwins(): void {
  for (const twin of [plainTwin, extendedTwin]) {
    for (const name of modelNames) {
      forgetInMemory(twin[name]);
      twin[name].idCounter = 0;
    }
  }
}
