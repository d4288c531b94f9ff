import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { addList, addTasks, synced, TasksAppHarness } from "./tasks-app-harness";

const folder = path.join(__dirname, "screenshots");
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: Buffer): { width: number; height: number } {
  return { width: file.readUInt32BE(16), height: file.readUInt32BE(20) };
}

describe("Tasks app: screenshot", function () {
  const harness = new TasksAppHarness();

  before(() => harness.start());
  after(() => harness.stop());
  afterEach(() => harness.closeDevices());

  it("saves a screenshot of a filled-in app at laptop and phone widths", async () => {
    const page = await harness.openDevice({ width: 1280, height: 800 });
    await addList(page, "Home");
    await addList(page, "Weekend");
    await addList(page, "Work");
    await addTasks(page, "Send the invoice", "Book the meeting room", "Reply to Anna about the budget", "Prepare slides for Monday");
    await page.getByRole("button", { name: "Edit Prepare slides for Monday" }).click();
    await page.getByLabel("Notes").fill("Ten slides at most. Include the Q3 numbers.");
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
    await page.getByLabel("Due").fill(tomorrow);
    await page.getByLabel("Title", { exact: true }).press("Enter");
    await page.getByLabel("Done: Send the invoice").check();
    await page.getByLabel("Done: Book the meeting room").check();
    await synced(page);
    await page.mouse.move(0, 0);

    fs.mkdirSync(folder, { recursive: true });
    const shots = [
      { file: path.join(folder, "tasks-1280.png"), width: 1280, height: 800 },
      { file: path.join(folder, "tasks-390.png"), width: 390, height: 844 },
    ];
    for (const shot of shots) {
      fs.rmSync(shot.file, { force: true });
      await page.setViewportSize({ width: shot.width, height: shot.height });
      await page.screenshot({ path: shot.file });
      const png = fs.readFileSync(shot.file);
      expect(png.subarray(0, 8).equals(pngSignature), `${shot.file} is a PNG`).to.equal(true);
      expect(pngSize(png)).to.deep.equal({ width: shot.width, height: shot.height });
      expect(png.length).to.be.greaterThan(5000);
    }
  });
});
