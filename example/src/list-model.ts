import Spine from "spine";
import "atmos2"; // registers Spine.Model.Atmosphere

/** A task list, as Google Tasks calls them ("tasklists"). */
export class List extends Spine.Model {
  declare title: string;
  declare updated?: string;


  /** Lists in the order people expect: alphabetical, ignoring case. */
  static sorted(): List[] {
    return List.all<List>().sort((a, b) => (a.title || "").localeCompare(b.title || "", undefined, { sensitivity: "base" }));
  }
}

List.configure("List", "title", "updated");
List.extend(Spine.Model.Atmosphere as object);
