/**
 * `fn`, run once after a burst of calls, in a microtask: Spine fires two
 * events for each record a pull refreshes, and a view repainted at each
 * froze a page of a few hundred tasks for most of a minute.
 */
export function oncePerBurst(fn: () => void): () => void {
  let due = false;
  return () => {
    if (due) return;
    due = true;
    queueMicrotask(() => {
      due = false;
      fn();
    });
  };
}
