/**
 * An error's reason for a log line or an answer. Some say nothing in their
 * message (the redis package's TimeoutError, for a command it gave up on
 * before writing it): their class says what happened.
 */
export function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  const kind = error.constructor?.name && error.constructor.name !== "Error" ? error.constructor.name : error.name;
  return kind === "TimeoutError" ? "TimeoutError: the Redis client gave up before sending the command (Redis busy or unreachable)" : `${kind || "Error"} (no message)`;
}
