/** Waits (in short real steps) until `done()` holds; the spec's timeout bounds it. */
export async function until(done: () => boolean | Promise<boolean>, stepMs = 5): Promise<void> {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, stepMs));
}
