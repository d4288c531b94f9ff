/**
 * Google Tasks stores a due *date* as an RFC 3339 timestamp at midnight UTC
 * ("2024-05-01T00:00:00.000Z") and ignores the time. These functions keep
 * that date as the user picked it, whatever their time zone.
 */

/** The `<input type="date">` value ("2024-05-01") of a due timestamp, or "". */
export function dueToInput(due: string | null | undefined): string {
  return due && /^\d{4}-\d{2}-\d{2}/.test(due) ? due.slice(0, 10) : "";
}

/** The due timestamp for a date input value, or null when cleared. */
export function inputToDue(value: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : null;
}

function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** How a due date reads next to a task: "Today", "Tomorrow", "Fri, May 3". */
export function describeDue(due: string | null | undefined, now: Date = new Date()): { text: string; overdue: boolean } | null {
  const day = dueToInput(due);
  if (!day) return null;
  const today = localDay(now);
  const tomorrow = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
  const yesterday = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  const overdue = day < today;
  if (day === today) return { text: "Today", overdue };
  if (day === tomorrow) return { text: "Tomorrow", overdue };
  if (day === yesterday) return { text: "Yesterday", overdue };
  const date = new Date(`${day}T12:00:00Z`);
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  const text = date.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric", year: sameYear ? undefined : "numeric", timeZone: "UTC" });
  return { text, overdue };
}
