/** Google's canonical status names for the HTTP codes this API answers with. */
const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "ABORTED",
  412: "FAILED_PRECONDITION",
  413: "OUT_OF_RANGE",
  415: "INVALID_ARGUMENT",
  422: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
};

/** The error body Google APIs send: `{ error: { code, message, errors, status } }`. */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: Array<{ reason: string; message: string; domain: string; location?: string; locationType?: string }>;
    status: string;
  };
}

/**
 * A refusal the API answers with a Google-style error body. Thrown by
 * handlers; the request pipeline turns it into the response (and rolls back
 * the transaction it was thrown in).
 */
export class ApiError extends Error {
  /** Headers the answer carries besides the body (e.g. `Allow` on a 405). */
  headers: Record<string, string> = {};

  constructor(
    readonly code: number,
    message: string,
    /** Google's machine-readable reason, e.g. "notFound", "invalid", "required". */
    readonly reason: string = defaultReason(code),
    /** The query parameter or header the error is about, when there is one. */
    readonly location?: { name: string; type: "parameter" | "header" },
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The JSON body to send. */
  toBody(): GoogleErrorBody {
    const detail: GoogleErrorBody["error"]["errors"][number] = { reason: this.reason, message: this.message, domain: "global" };
    if (this.location) {
      detail.location = this.location.name;
      detail.locationType = this.location.type;
    }
    return {
      error: { code: this.code, message: this.message, errors: [detail], status: STATUS_NAMES[this.code] ?? "UNKNOWN" },
    };
  }
}

function defaultReason(code: number): string {
  switch (code) {
    case 400: return "invalid";
    case 401: return "authError";
    case 404: return "notFound";
    case 405: return "methodNotAllowed";
    case 412: return "conditionNotMet";
    case 413: return "requestTooLarge";
    default: return "backendError";
  }
}

/** 400 about one field of the body or the query. */
export function invalid(message: string, parameter?: string): ApiError {
  return new ApiError(400, message, "invalid", parameter ? { name: parameter, type: "parameter" } : undefined);
}

/** 404 for an id the API does not know: `Task "abc" not found.` */
export function notFound(kind: string, id: string): ApiError {
  return new ApiError(404, `${kind} ${shown(id)} not found.`, "notFound");
}

/**
 * Text from the request (an id, a path) as a message quotes it: whole when
 * short, else its start and its length, so an answer stays small whatever
 * was sent (a message names what to fix, it does not echo the input).
 */
export function shown(text: string, max = 80): string {
  return text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}… (${text.length} characters)`;
}
