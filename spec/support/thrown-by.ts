/** The message of the error a call throws, or "no error". */
export function thrownBy(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    return (error as Error).message;
  }
  return "no error";
}
