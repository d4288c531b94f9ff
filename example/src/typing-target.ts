/** Whether a key pressed on `target` is typing in a field, whose own keys (Ctrl+Z, letters) come before the page's shortcuts. */
export function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return !!element && (/^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName) || element.isContentEditable);
}
