/**
 * Marks the edges of a row that scrolls sideways (the list chips on a phone)
 * behind which more is out of view: `more-before` and `more-after`, which
 * app.css fades. Without them the row ended at a chip cut crisply in two, and
 * nothing said that more lists were beyond it. Returns the update, for the
 * owner to call when the row's content changes.
 */
export function markOverflowEdges(row: HTMLElement): () => void {
  const update = () => {
    const hidden = row.scrollWidth - row.clientWidth;
    // 1 px of slack: scrollLeft is fractional on a zoomed page.
    row.classList.toggle("more-before", hidden > 1 && row.scrollLeft > 1);
    row.classList.toggle("more-after", hidden > 1 && row.scrollLeft < hidden - 1);
  };
  row.addEventListener("scroll", update, { passive: true });
  new ResizeObserver(update).observe(row);
  return update;
}
