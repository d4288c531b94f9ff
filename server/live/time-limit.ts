/**
 * What `promise` resolves with, or undefined when it has not settled within
 * `ms` (a Redis that holds the connection and says nothing). A rejection
 * within the time still rejects; one after it is dropped: nobody waits for
 * it any more.
 */
export function withinTime<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  promise.catch(() => undefined);
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
