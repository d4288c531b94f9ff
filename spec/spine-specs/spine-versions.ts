/**
 * Which of Spine's own published files make up each test page, per Spine
 * version. Each page mirrors one of the HTML runners the package ships
 * (test/index.html, test/addons.html, test/ajax.html), reduced to the model
 * specs: model, model.local, model.relation and ajax. Paths are URLs on the
 * spec server (see spec-server.ts), which serves node_modules as installed.
 */

/** "2" for jasmine-core 2.x with boot.js; "1" for the jasmine 1.3 a package ships in test/lib. */
export type JasmineGeneration = "1" | "2";

export interface SpinePage {
  /** Short name, printed with failures ("core", "addons", ...). */
  name: string;
  /** Jasmine and its add-ons, loaded first. */
  jasmine: string[];
  /** jQuery and Spine's own library files, in the published order. */
  libraries: string[];
  /** Spine's published spec files. */
  specs: string[];
}

export interface SpineVersion {
  version: string;
  /** Folder under node_modules holding this version, as installed. */
  packageDir: string;
  jasmine: JasmineGeneration;
  pages: SpinePage[];
}

const jasmine2 = [
  "/node_modules/jasmine-core/lib/jasmine-core/jasmine.js",
  "/node_modules/jasmine-core/lib/jasmine-core/jasmine-html.js",
  "/node_modules/jasmine-core/lib/jasmine-core/boot.js",
];

function spine162(): SpineVersion {
  const base = "/node_modules/spine";
  // test/lib/dynamicLoader.js only document.writes test/lib/jquery.js (2.1.3) by default.
  const jquery = `${base}/test/lib/jquery.js`;
  return {
    version: "1.6.2",
    packageDir: "spine",
    jasmine: "2",
    pages: [
      {
        name: "core",
        jasmine: jasmine2,
        libraries: [jquery, `${base}/lib/spine.js`, `${base}/lib/local.js`],
        specs: [`${base}/test/specs/model.js`, `${base}/test/specs/model.local.js`],
      },
      {
        name: "addons",
        jasmine: [...jasmine2, "/node_modules/jasmine-ajax/lib/mock-ajax.js"],
        libraries: [jquery, `${base}/lib/spine.js`, `${base}/lib/ajax.js`, `${base}/lib/relation.js`],
        specs: [`${base}/test/specs/model.relation.js`, `${base}/test/specs/ajax.js`],
      },
    ],
  };
}

function spine122(): SpineVersion {
  const base = "/node_modules/spine-1.2.2";
  // 1.2.2 ships jasmine 1.3.1 in test/lib; its dynamicLoader loads test/lib/jquery.js (1.8.3).
  const jasmine1 = [`${base}/test/lib/jasmine.js`, `${base}/test/lib/jasmine-html.js`];
  const jquery = `${base}/test/lib/jquery.js`;
  return {
    version: "1.2.2",
    packageDir: "spine-1.2.2",
    jasmine: "1",
    pages: [
      {
        name: "index",
        jasmine: jasmine1,
        libraries: [jquery, `${base}/lib/spine.js`, `${base}/lib/local.js`, `${base}/lib/relation.js`],
        specs: [`${base}/test/specs/model.js`, `${base}/test/specs/model.local.js`, `${base}/test/specs/model.relation.js`],
      },
      {
        name: "ajax",
        jasmine: jasmine1,
        libraries: [jquery, `${base}/lib/spine.js`, `${base}/lib/ajax.js`],
        specs: [`${base}/test/specs/ajax.js`],
      },
    ],
  };
}

export const spineVersions: SpineVersion[] = [spine162(), spine122()];
