/**
 * Keeps the CSS variable `--app-bar-height` equal to the sticky header's
 * height (one row on a laptop; two on a phone, with an account, or with larger
 * text), so that the page's `scroll-padding-top` brings a control reached with
 * the keyboard into view below the header, not under it (WCAG 2.4.11).
 */
export function trackAppBarHeight(bar: HTMLElement): void {
  const root = document.documentElement;
  new ResizeObserver(() => root.style.setProperty("--app-bar-height", `${bar.offsetHeight}px`)).observe(bar);
}
