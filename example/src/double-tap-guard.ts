/** What a click is aimed at: the control it lands on (a label stands for its field), else the element. */
function controlOf(target: EventTarget | null): Element | null {
  if (!(target instanceof Element)) return null;
  const label = target.closest("label");
  return label?.control ?? target.closest("button, input, select, textarea, a[href], summary, [role='button'], [tabindex]") ?? target;
}

/**
 * A double tap (or double click) is one intention. On this page most taps
 * move what was under the finger: a ticked task goes to "Completed", a
 * deleted one leaves, the toast's Undo goes, the Sync panel opens over the
 * page. The second tap of the pair then lands on whatever took the place
 * (the next task's checkbox or ×, a task's edit button, the panel's
 * backdrop), which the user never aimed at. The browser counts the clicks
 * of one double tap in `detail`: a second (or third) one that lands on
 * another control than the first is stopped before any handler sees it.
 * On the same control it goes through (a double click on a list's name
 * renames it). Keyboard clicks (Enter, Space) count 0 and always go.
 */
export function guardDoubleTaps(target: Window): void {
  let first: Element | null = null;
  target.addEventListener(
    "click",
    (event) => {
      const control = controlOf(event.target);
      if (event.detail <= 1) first = control;
      else if (control !== first) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
}
