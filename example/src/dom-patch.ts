/**
 * Puts `markup` inside `target` by changing only what differs, instead of
 * replacing every element as `.html()` does. A button that is still there
 * after a repaint is the same element: a click pressed before the repaint
 * and released after it still reaches it (a replaced button gets no click
 * at all), and focus and hover stay where they were.
 *
 * Elements are matched by tag and key (`data-focus-key`, `data-key`,
 * `data-id` or `id`), so a row that moves is moved, not rewritten.
 */
export function patchHtml(target: Element, markup: string): void {
  const template = document.createElement("template");
  template.innerHTML = markup;
  patchChildren(target, template.content);
}

function keyOf(node: Node): string | undefined {
  if (!(node instanceof Element)) return undefined;
  for (const name of ["data-focus-key", "data-key", "data-id", "id"]) {
    const value = node.getAttribute(name);
    if (value !== null) return `${name}=${value}`;
  }
  return undefined;
}

function sameKind(have: Node, want: Node): boolean {
  return have.nodeType === want.nodeType && have.nodeName === want.nodeName && keyOf(have) === keyOf(want);
}

function patchChildren(have: Node, want: Node): void {
  const wanted = Array.from(want.childNodes);
  wanted.forEach((next, index) => {
    const here = have.childNodes[index];
    if (here && sameKind(here, next)) return patchNode(here, next);
    const key = keyOf(next);
    const later = key === undefined ? undefined : Array.from(have.childNodes).slice(index + 1).find((node) => sameKind(node, next));
    if (later) {
      have.insertBefore(later, here ?? null);
      patchNode(later, next);
    } else {
      have.insertBefore(next, here ?? null);
    }
  });
  while (have.childNodes.length > wanted.length) have.lastChild!.remove();
}

function patchNode(have: Node, want: Node): void {
  if (!(have instanceof Element) || !(want instanceof Element)) {
    if (have.nodeValue !== want.nodeValue) have.nodeValue = want.nodeValue;
    return;
  }
  for (const { name } of Array.from(have.attributes)) if (!want.hasAttribute(name)) have.removeAttribute(name);
  for (const { name, value } of Array.from(want.attributes)) if (have.getAttribute(name) !== value) have.setAttribute(name, value);
  // A box the user ticked no longer follows its attribute: its state is set as well.
  // (What is typed into a field is left alone.)
  if (have instanceof HTMLInputElement && want instanceof HTMLInputElement && have.checked !== want.defaultChecked) have.checked = want.defaultChecked;
  patchChildren(have, want);
}
