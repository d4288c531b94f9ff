/** What the live server reports about itself (the CLI prints it; tests watch it). */
export type LiveLogEvent =
  | { type: "connected"; channels: string[] }
  | { type: "refused"; code: number; message: string }
  | { type: "dropped"; reason: "slow" | "dead" | "backlog"; bufferedAmount: number }
  | { type: "socket-error"; message: string }
  | { type: "error"; context: string; message: string };

export type LiveLog = (event: LiveLogEvent) => void;
