import { expect } from "chai";
import Spine from "spine";
import "spine/lib/relation";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../../servers/rails-scaffold-server";

/**
 * A Spine app that declares its relations the Spine way (`hasMany`,
 * `belongsTo`, `hasOne`) and no `remoteKeys`: a gallery made offline and
 * its pictures reach the server parents first, each picture pointing at the
 * gallery's server id, and the records on the page follow it too.
 * (Class names unique to this file: extended models are registered by name.)
 */
class RelGallery extends Spine.Model {
  declare title: string;
  declare pictures: (list?: unknown) => any;
  declare cover: () => any;
}
RelGallery.configure("RelGallery", "title");
RelGallery.extend(Spine.Model.Atmosphere as object);

class RelPicture extends Spine.Model {
  declare title: string;
  declare rel_gallery_id: string;
  declare gallery: () => any;
}
RelPicture.configure("RelPicture", "title", "rel_gallery_id");
RelPicture.extend(Spine.Model.Atmosphere as object);

/** Foreign key named by hand, declared on the child only. */
class RelFrame extends Spine.Model {
  declare title: string;
  declare galleryRef: string;
  declare gallery: (value?: unknown) => any;
}
RelFrame.configure("RelFrame", "title");
RelFrame.extend(Spine.Model.Atmosphere as object);

class RelCover extends Spine.Model {
  declare title: string;
  declare rel_gallery_id: string;
}
RelCover.configure("RelCover", "title", "rel_gallery_id");
RelCover.extend(Spine.Model.Atmosphere as object);

/** A local-only parent: never sent, so its children must not wait for its server id. */
class RelAlbumDraft extends Spine.Model {
  declare title: string;
}
RelAlbumDraft.configure("RelAlbumDraft", "title");
RelAlbumDraft.extend(Spine.Model.Atmosphere as object);
(RelAlbumDraft as any).local = true;

class RelSketch extends Spine.Model {
  declare title: string;
  declare rel_album_draft_id: string;
}
RelSketch.configure("RelSketch", "title", "rel_album_draft_id");
RelSketch.extend(Spine.Model.Atmosphere as object);

// Declared after the models were extended, as Spine apps usually do.
(RelGallery as any).hasMany("pictures", RelPicture);
(RelPicture as any).belongsTo("gallery", RelGallery, "rel_gallery_id");
(RelFrame as any).belongsTo("gallery", RelGallery, "galleryRef");
(RelGallery as any).hasOne("cover", RelCover);
(RelSketch as any).belongsTo("draft", RelAlbumDraft, "rel_album_draft_id");

describe("Spine relations without remoteKeys: foreign keys follow a parent's server id", () => {
  let atmos: Atmos;
  let rails: RailsScaffoldServer;

  beforeEach(async () => {
    for (const model of [RelGallery, RelPicture, RelFrame, RelCover, RelAlbumDraft, RelSketch]) model.deleteAll();
    rails = await startRailsScaffoldServer();
    atmos = new Atmos({ storage: new MemoryStorage() });
    atmos.resourceClient.base = rails.url;
  });
  afterEach(async () => {
    atmos.close();
    await rails.close();
  });

  it("sends a gallery made offline before its pictures (hasMany), and each picture with the gallery's server id", async () => {
    const gallery = RelGallery.create({ title: "Summer" }) as RelGallery;
    gallery.pictures().create({ title: "beach" });
    gallery.pictures().create({ title: "hills" });
    await atmos.push();
    const [serverGallery] = rails.records("rel_galleries");
    expect(rails.requests.filter((r) => r.method === "POST").map((r) => r.path)).to.deep.equal(["/rel_galleries", "/rel_pictures", "/rel_pictures"]);
    expect(rails.records("rel_pictures").map((p) => p.rel_gallery_id)).to.deep.equal([serverGallery.id, serverGallery.id]);
    // On the page: the relation still finds them, under the gallery's server id.
    const shown = RelGallery.find(String(serverGallery.id)) as RelGallery;
    expect(shown.pictures().all().map((p: RelPicture) => p.title).sort()).to.deep.equal(["beach", "hills"]);
  });

  it("follows a key named in belongsTo on the child only", async () => {
    const gallery = RelGallery.create({ title: "Winter" }) as RelGallery;
    const frame = new RelFrame({ title: "oak" });
    frame.gallery(gallery);
    frame.save();
    await atmos.push();
    const [serverGallery] = rails.records("rel_galleries");
    expect(rails.records("rel_frames")[0].galleryRef).to.equal(serverGallery.id);
    expect((RelFrame.first() as RelFrame).gallery().title).to.equal("Winter");
  });

  it("follows hasOne's key too", async () => {
    const gallery = RelGallery.create({ title: "Spring" }) as RelGallery;
    RelCover.create({ title: "tulips", rel_gallery_id: gallery.id });
    await atmos.push();
    const [serverGallery] = rails.records("rel_galleries");
    expect(rails.records("rel_covers")[0].rel_gallery_id).to.equal(serverGallery.id);
    expect((RelGallery.find(String(serverGallery.id)) as RelGallery).cover().title).to.equal("tulips");
  });

  it("sends a child of a local-only parent at once, its key as it is", async () => {
    const draft = RelAlbumDraft.create({ title: "ideas" }) as RelAlbumDraft;
    RelSketch.create({ title: "tree", rel_album_draft_id: draft.id });
    await atmos.push();
    expect(rails.records("rel_album_drafts")).to.deep.equal([]);
    expect(rails.records("rel_sketches").map((s) => s.rel_album_draft_id)).to.deep.equal([draft.id]);
    expect(atmos.outbox()).to.deep.equal([]);
  });
});
