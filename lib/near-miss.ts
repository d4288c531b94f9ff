// A name one slip of the keyboard away from another: the option or setting
// the person meant, so its error can name it ("did you mean remote?").

/** Whether `a` is `b` in other capitals, or (4 letters or more) with one letter added, dropped or changed, or two neighbours swapped. */
export function oneSlipFrom(a: string, b: string): boolean {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (a == b) return true;
  if (a.length < 4 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (a[i] == b[i]) i++;
  const [a1, b1] = [a.slice(i + 1), b.slice(i + 1)];
  return a1 == b1 || a1 == b.slice(i) || a.slice(i) == b1 || (a[i] == b[i + 1] && a[i + 1] == b[i] && a1.slice(1) == b1.slice(1));
}
