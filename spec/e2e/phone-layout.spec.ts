import { expect } from "chai";
import type { Page } from "playwright-core";
import { addList, addTasks, contrastRatio, eventually, noSidewaysScroll, over, parseColour, smallTargets, synced, TasksAppHarness } from "./tasks-app-harness";

/** The small phone the outside audit used: 375×667, touch. */
const phone = { width: 375, height: 667 };

/** A list title of ordinary words, long enough to wrap over many lines in a narrow column. */
const longTitle = "Renovation of the summer house, the garden shed and the old fence by the lake before the autumn rains of 2031";

/** WCAG AA: the least contrast for text under 18.66 px bold (the live indicator's word is 12 px). */
const smallTextContrast = 4.5;

/**
 * The contrast of an element's text as Chromium paints it: its computed
 * colour over the background colours of it and its ancestors, composed from
 * the nearest opaque one (the page's canvas when none is).
 */
async function textContrast(page: Page, selector: string): Promise<{ text: string; ratio: number; colour: string; background: string }> {
  const found = await page.locator(selector).evaluate((el) => {
    const backgrounds: string[] = [];
    for (let at: Element | null = el; at; at = at.parentElement) backgrounds.push(getComputedStyle(at).backgroundColor);
    const canvas = matchMedia("(prefers-color-scheme: dark)").matches ? "rgb(18, 18, 18)" : "rgb(255, 255, 255)";
    return { text: (el as HTMLElement).innerText.trim(), colour: getComputedStyle(el).color, opacity: getComputedStyle(el).opacity, backgrounds, canvas };
  });
  expect(found.opacity, `${found.text}'s opacity`).to.equal("1");
  const layers = found.backgrounds.map(parseColour);
  const opaque = layers.findIndex((c) => c[3] === 1);
  let background = opaque < 0 ? parseColour(found.canvas) : layers[opaque];
  for (const layer of layers.slice(0, opaque < 0 ? layers.length : opaque).reverse()) background = over(layer, background);
  const colour = over(parseColour(found.colour), background);
  const rgb = (c: number[]) => `rgb(${c.slice(0, 3).map(Math.round).join(", ")})`;
  return { text: found.text, ratio: contrastRatio(colour, background), colour: rgb(colour), background: rgb(background) };
}

/** The header's height, and where its shown parts (brand, sync status, account) are, for messages. */
async function headerRows(page: Page): Promise<{ height: number; parts: string[] }> {
  return page.locator(".app-bar").evaluate((bar) => {
    const parts = [...bar.children].filter((el) => (el as HTMLElement).offsetParent !== null || getComputedStyle(el).position === "fixed").map((el) => el.getBoundingClientRect());
    return { height: bar.getBoundingClientRect().height, parts: parts.map((r) => `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}`) };
  });
}

describe(`Tasks app on a small phone (${phone.width}×${phone.height}, touch)`, function () {
  const harness = new TasksAppHarness();

  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  const open = () => harness.openDevice(phone, { touch: true });

  it("gives a long list title most of the width and keeps the task field on the first screen", async () => {
    const page = await open();
    await addList(page, longTitle);
    await page.evaluate(() => window.scrollTo(0, 0));
    const title = (await page.locator(".list-title").boundingBox())!;
    expect(title.width, "the title's width (px)").to.be.at.least(0.6 * phone.width);
    const field = (await page.getByLabel("New task").boundingBox())!;
    expect(field.y + field.height, "the bottom of the New task field (px from the top)").to.be.at.most(phone.height);
    await noSidewaysScroll(page, "with a long list title");
  });

  it("shows at most three lines of a 300-character title with no spaces, so Rename, Delete and the task field stay on a 320×568 screen; renaming shows it whole", async () => {
    const page = await harness.openDevice({ width: 320, height: 568 }, { touch: true });
    const title = "x".repeat(300);
    await addList(page, title);
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const [name, selector] of [["Rename", ".rename-list"], ["Delete", ".delete-list"]]) {
      const button = (await page.locator(`.panel-head ${selector}`).boundingBox())!;
      expect(button.y + button.height, `the bottom of ${name} (px from the top)`).to.be.at.most(568);
    }
    const field = (await page.getByLabel("New task").boundingBox())!;
    expect(field.y + field.height, "the bottom of the New task field (px from the top)").to.be.at.most(568);
    expect(await page.locator(".list-title").textContent(), "the heading holds the whole title for a screen reader").to.equal(title);
    await page.locator(".panel-head .rename-list").tap();
    expect(await page.locator(".rename-form input").inputValue()).to.equal(title);
  });

  // Found by a second phone-size review: beside Save and Cancel, the rename
  // field was 127 px wide at 360, and showed "ehold stuff" of a long name.
  it("gives the rename field the panel's width on a phone, with Save and Cancel under it", async () => {
    const page = await harness.openDevice({ width: 360, height: 640 }, { touch: true });
    await addList(page, "Weekend groceries and household stuff");
    await page.locator(".panel-head .rename-list").tap();
    const field = (await page.locator(".rename-form input").boundingBox())!;
    const head = (await page.locator(".panel-head").boundingBox())!;
    expect(field.width, "the rename field's width (px)").to.be.at.least(0.9 * head.width);
    for (const name of ["Save", "Cancel"]) {
      const button = (await page.locator(".rename-form").getByRole("button", { name, exact: true }).boundingBox())!;
      expect([button.x >= head.x - 1, button.x + button.width <= head.x + head.width + 1, button.height >= 44], `${name} inside the panel, 44 px tall`).to.deep.equal([true, true, true]);
    }
    await noSidewaysScroll(page, "renaming a list");
  });

  // Found on a phone review: a 1,024-character task title took 55 lines of the screen.
  it("shows at most three lines of a long task title, and the whole of it in the edit form", async () => {
    const page = await open();
    await addList(page, "Long tasks");
    const title = "word ".repeat(200).trim();
    await addTasks(page, title, "Short one");
    const row = page.locator(".open-tasks .task-title", { hasText: /^word word/ });
    const { height, lineHeight } = await row.evaluate((el) => ({ height: el.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(el).lineHeight) }));
    expect(height, "the title's height (px)").to.be.at.most(3 * lineHeight + 1);
    expect(await row.textContent(), "the row holds the whole title for a screen reader").to.equal(title);
    await page.locator(".open-tasks .task-open", { has: page.locator(".task-title", { hasText: /^word word/ }) }).tap();
    expect(await page.locator(".edit-title").inputValue()).to.equal(title);
  });

  // Found on a phone review: "!" and brackets of Hebrew titles were laid out left to right.
  it("lays out each title in its own direction: a Hebrew list and task right to left, beside English ones", async () => {
    const page = await open();
    await addList(page, "קניות!");
    await addTasks(page, "חלב (2 ליטר)", "Bread (white)");
    const direction = (selector: string, text: string) => page.locator(selector, { hasText: text }).first().evaluate((el) => getComputedStyle(el).direction);
    expect(await direction(".list-title", "קניות"), "the list heading").to.equal("rtl");
    expect(await direction(".list-name", "קניות"), "the list in the sidebar").to.equal("rtl");
    expect(await direction(".task-title", "חלב"), "the Hebrew task").to.equal("rtl");
    expect(await direction(".task-title", "Bread"), "the English task").to.equal("ltr");
    // Found by a review at phone size: a right-to-left title was laid out from the row's left edge.
    const edges = (text: string) =>
      page.locator(".task-title", { hasText: text }).first().evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const words = range.getBoundingClientRect();
        const row = el.closest(".task-open")!.getBoundingClientRect();
        return { fromLeft: Math.round(words.left - row.left), fromRight: Math.round(row.right - words.right) };
      });
    expect((await edges("חלב")).fromRight, "the Hebrew task from the row's right edge").to.be.at.most(1);
    expect((await edges("Bread")).fromLeft, "the English task from the row's left edge").to.be.at.most(1);
    await page.getByLabel("New task").fill("שלום");
    expect(await page.getByLabel("New task").evaluate((el) => getComputedStyle(el).direction), "the field as it is typed in").to.equal("rtl");
  });

  // Found by a review at phone size with the phone's text size at 200%: the
  // Completed heading and its Clear completed button did not wrap, and the
  // page scrolled sideways; the skip link, moved a fixed 56 px up, showed
  // its lower edge over the brand.
  it("at 200% text size, 360 px wide, never scrolls sideways and keeps the skip link out of sight until it has focus", async () => {
    const page = await harness.openDevice({ width: 360, height: 640 }, { touch: true });
    await page.evaluate(() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync("html { -webkit-text-size-adjust: 200% !important; text-size-adjust: 200% !important; }");
      document.adoptedStyleSheets = [sheet];
    });
    await addList(page, "Big text");
    await addTasks(page, "Open one", "Done one");
    await page.getByLabel("Done: Done one").check();
    await page.getByRole("button", { name: "Clear completed" }).waitFor();
    await noSidewaysScroll(page, "with a completed task, at 200% text");
    const skip = await page.locator(".skip-link").boundingBox();
    expect(skip === null || skip.y + skip.height <= 0, `the skip link, unfocused: ${JSON.stringify(skip)}`).to.equal(true);
    await page.getByRole("button", { name: "Edit Open one" }).click();
    await noSidewaysScroll(page, "with a task open for editing, at 200% text");
  });

  it("tells a new user where to start in words that are true whether the lists are beside the panel or above it", async () => {
    // A new user: no lists on the server (an earlier test made one).
    for (const list of await harness.lists()) await harness.api("DELETE", `/users/@me/lists/${list.id}`);
    for (const size of [phone, { width: 1280, height: 800 }]) {
      const page = await open();
      await page.setViewportSize(size);
      const text = await page.locator(".no-list").innerText();
      expect(text, `the empty state at ${size.width} px`).not.to.match(/\b(left|right|above|below|beside|under)\b/i);
      expect(text, `the empty state at ${size.width} px names the field to use`).to.include("New list");
    }
  });

  it("labels the live indicator with words a touch user can read (a tooltip never shows on touch)", async () => {
    const page = await open();
    const badge = page.locator(".live-badge[data-state='on']");
    await badge.waitFor();
    const shown = await badge.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      return { text: (el as HTMLElement).innerText.trim(), width: text.width, fontSize: parseFloat(getComputedStyle(el).fontSize) };
    });
    expect(shown.text, "the indicator's words").to.match(/live/i);
    expect(shown.fontSize, "the indicator's font size (px)").to.be.at.least(11);
    expect(shown.width, "the width of the indicator's words (px)").to.be.at.least(20);
    const box = (await badge.boundingBox())!;
    expect(box.x + box.width, "the indicator's right edge (px)").to.be.at.most(phone.width);
    await noSidewaysScroll(page, "with the live indicator labelled");
  });

  it("writes the live indicator's word with a contrast of at least 4.5:1 in each of its states, light and dark", async () => {
    const measured: string[] = [];
    const measure = async (page: Page, state: string) => {
      await page.locator(`.live-badge[data-state='${state}']`).waitFor();
      for (const colorScheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme });
        const { text, ratio, colour, background } = await textContrast(page, `.live-badge[data-state='${state}']`);
        measured.push(`"${text}" ${colorScheme}: ${colour} on ${background} = ${ratio.toFixed(2)}:1`);
      }
    };
    await measure(await open(), "on");
    // A live endpoint that never answers: the indicator waits ("Live…").
    const waiting = await open();
    await waiting.context().routeWebSocket(/\/live/, () => undefined);
    await waiting.reload();
    await measure(waiting, "connecting");
    // A live endpoint that refuses the token: the indicator gives up ("Live off").
    const refused = await open();
    await refused.context().routeWebSocket(/\/live/, (ws) => ws.close({ code: 4401, reason: "token refused" }));
    await refused.reload();
    await measure(refused, "off");
    const low = measured.filter((line) => Number(/= ([\d.]+):1$/.exec(line)![1]) < smallTextContrast);
    expect(low, `below ${smallTextContrast}:1 (all measured: ${measured.join(" | ")})`).to.deep.equal([]);
  });

  /** The pill's words as painted: its text box holds all of them (no ellipsis) or the spec says how much it shows. */
  const pillWords = (page: Page) =>
    page.locator(".status .pill .pill-text").evaluate((el) => ({ text: el.textContent ?? "", shown: el.clientWidth, needed: el.scrollWidth }));

  for (const width of [320, 360, phone.width]) {
    it(`shows the status's words whole at ${width} px, offline with 12 changes waiting too, and the header keeps its height`, async () => {
      const page = await harness.openDevice({ width, height: 640 }, { touch: true });
      await addList(page, `Errands ${width}`);
      await synced(page);
      const calm = await headerRows(page);
      const synced_ = await pillWords(page);
      expect(synced_.needed, `px "${synced_.text}" needs, against the ${synced_.shown} px it has`).to.be.at.most(synced_.shown);

      await page.context().setOffline(true);
      const titles = Array.from({ length: 12 }, (_, i) => `Errand ${i + 1}`);
      await addTasks(page, ...titles);
      const pill = page.locator(".status .pill[data-state='offline']");
      await eventually(async () => expect(await pill.locator(".pill-text").textContent()).to.equal("Offline · 12 waiting"));
      const offline = await pillWords(page);
      expect(offline.needed, `px "${offline.text}" needs, against the ${offline.shown} px it has`).to.be.at.most(offline.shown);
      const long = await headerRows(page);
      expect(long.height, `the header's height (px) offline (${long.parts.join(" | ")}), against ${calm.height} px synced`).to.equal(calm.height);
      const tryNow = (await page.getByRole("button", { name: "Try now" }).boundingBox())!;
      expect(tryNow.x + tryNow.width, "Try now's right edge (px)").to.be.at.most(width);
      await noSidewaysScroll(page, `offline with 12 changes waiting at ${width} px`);
      await page.context().setOffline(false);
      await synced(page);
    });
  }

  // Found by an audit: at 320 px the row of list chips ended at a chip cut in
  // two, as crisp as the others, and nothing said more lists were beyond it.
  it("fades the row of list chips at an edge where more lists are out of view (320 px)", async () => {
    const page = await harness.openDevice({ width: 320, height: 568 }, { touch: true });
    for (const title of ["Groceries", "Holiday plans", "Weekend chores", "Work"]) await addList(page, title);
    const card = parseColour(await page.locator(".sidebar").evaluate((el) => getComputedStyle(el).backgroundColor));
    /** The most contrast against the card of the pixels painted in a 5 px wide band. */
    const inkIn = async (band: { x: number; y: number; height: number }) => {
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const png = await page.screenshot({ clip: { ...band, width: 5 } });
      const pixels = await page.evaluate(async (data) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        const canvas = Object.assign(document.createElement("canvas"), { width: image.width, height: image.height });
        const context = canvas.getContext("2d")!;
        context.drawImage(image, 0, 0);
        return [...context.getImageData(0, 0, image.width, image.height).data];
      }, png.toString("base64"));
      let most = 1;
      for (let i = 0; i < pixels.length; i += 4) most = Math.max(most, contrastRatio(pixels.slice(i, i + 3), card));
      return most;
    };
    /** Swipes the row so that its `edge` cuts the name of the `nth` chip in two; the band just inside that edge. */
    const cutAt = (edge: "left" | "right", nth: number) =>
      page.locator(".lists").evaluate((row, [edge, nth]) => {
        const name = row.querySelectorAll(".list-name")[nth as number].getBoundingClientRect();
        const r = row.getBoundingClientRect();
        row.scrollLeft += name.left + name.width / 2 - (edge === "right" ? r.right : r.left);
        return { x: edge === "right" ? r.right - 6 : r.left + 1, y: name.top, height: name.height };
      }, [edge, nth] as const);
    await page.locator(".lists").evaluate((row) => row.scrollTo({ left: 0 }));
    const first = (await page.locator(".list-name").first().boundingBox())!;
    expect(await inkIn({ x: first.x + first.width / 2, y: first.y, height: first.height }), "the first name, whole at the start of the row").to.be.above(3);
    expect(await inkIn(await cutAt("right", 1)), "a name cut at the right edge, lists hidden to the right").to.be.below(2);
    expect(await inkIn(await cutAt("left", 2)), "a name cut at the left edge, lists hidden to the left").to.be.below(2);
    await noSidewaysScroll(page, "with the chips faded");
  });

  it("gives every control a hit area of at least 44×44 px: lists, tasks, the task form, Retry and Undo, the Sync panel", async () => {
    const page = await open();
    await addList(page, "Home");
    await addList(page, "Errands");
    await addList(page, "Q");
    await page.locator(".lists .list-select", { has: page.locator(".list-name", { hasText: /^Errands$/ }) }).tap();
    await addTasks(page, "Post the letter", "Buy stamps");
    await page.getByLabel("Done: Buy stamps").check();
    await synced(page);
    expect(await smallTargets(page, "body"), "controls on the list screen (a list named with one letter too)").to.deep.equal([]);
    await page.locator(".skip-link").focus();
    const skip = (await page.locator(".skip-link").boundingBox())!;
    expect(Math.min(skip.width, skip.height), "the skip link's smaller side (px), once it shows").to.be.at.least(44);

    await page.getByRole("button", { name: "Edit Post the letter" }).tap();
    await page.locator(".task-edit").waitFor();
    expect(await smallTargets(page, ".task-edit"), "controls of the task form").to.deep.equal([]);
    await page.getByRole("button", { name: "Cancel" }).tap();

    await page.context().route("**/tasks/v1/lists/*/tasks/*", (route) =>
      route.request().method() === "PUT"
        ? route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: { code: 400, message: "Invalid task" } }) })
        : route.continue(),
    );
    await page.getByLabel("Done: Post the letter").check();
    await page.locator(".task.is-failed").waitFor();
    expect(await smallTargets(page, ".task.is-failed"), "Retry and Undo of a refused change").to.deep.equal([]);
    expect(await smallTargets(page, ".app-bar"), "the header with a refused change").to.deep.equal([]);

    await page.locator(".status .pill").tap();
    await page.locator("#sync-panel .outbox-row").waitFor();
    expect(await smallTargets(page, "#sync-panel"), "controls of the Sync panel").to.deep.equal([]);
    await noSidewaysScroll(page, "with the Sync panel open");
  });
});

/**
 * Found by a review at tablet size: the finger-sized controls and 16 px
 * fields came with a narrow window only, so on a 768 px touch screen the
 * task's check circle was 22×22 px, its delete 30×30, Rename and Delete 36
 * high, and the Notes field's 15 px text made iOS zoom in. They come with a
 * touch screen whatever its width.
 */
describe("Tasks app on a tablet (768×1024, touch)", function () {
  const harness = new TasksAppHarness();
  before(() => harness.startLikeNpmStart());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("gives every control a hit area of at least 44×44 px and every field 16 px text, and hides the keyboard hints", async () => {
    const page = await harness.openDevice({ width: 768, height: 1024 }, { touch: true });
    await addList(page, "Home");
    await addTasks(page, "Post the letter", "Buy stamps");
    await page.getByLabel("Done: Buy stamps").check();
    await synced(page);
    expect(await smallTargets(page, "body"), "controls on the list screen").to.deep.equal([]);
    await page.getByRole("button", { name: "Edit Post the letter" }).tap();
    await page.locator(".task-edit").waitFor();
    expect(await smallTargets(page, ".task-edit"), "controls of the task form").to.deep.equal([]);
    const small = await page.locator("input:not([type=checkbox]), textarea").evaluateAll((fields) =>
      fields.filter((f) => (f as HTMLElement).offsetParent !== null && parseFloat(getComputedStyle(f).fontSize) < 16).map((f) => (f as HTMLInputElement).name || f.className),
    );
    expect(small, "fields whose text is under 16 px (iOS zooms in on them)").to.deep.equal([]);
    expect(await page.locator(".app-foot .keys").isVisible(), "keyboard hints on a touch screen").to.equal(false);
  });
});
