/** The redis package's TimeoutError: a command the client gave up on before it wrote it to Redis (its message is empty). */
function gaveUpUnsent(error: Error): boolean {
  return error.constructor?.name === "TimeoutError";
}

/**
 * An error's reason for a log line or an answer. Some say nothing in their
 * message (the redis package's TimeoutError): their class says what happened.
 */
export function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  if (gaveUpUnsent(error)) return "TimeoutError: the Redis client gave up before sending the command (Redis busy or unreachable)";
  const kind = error.constructor?.name && error.constructor.name !== "Error" ? error.constructor.name : error.name;
  return `${kind || "Error"} (no message)`;
}

/** Whether a Redis command that failed with `error` certainly never reached Redis (nothing of it was done). */
export function neverSent(error: Error): boolean {
  return gaveUpUnsent(error) || /waiting to be sent|client is (closed|offline)/i.test(error.message);
}
