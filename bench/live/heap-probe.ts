import WebSocket from "ws";

/**
 * Live heap of another Node process, after a full garbage collection, read
 * through its inspector (the process runs with --inspect=127.0.0.1:0). RSS
 * alone mixes what a socket keeps with the garbage its connecting left
 * behind, which V8 collects when it pleases.
 */
export async function liveHeapBytes(inspectorUrl: string): Promise<number> {
  const ws = new WebSocket(inspectorUrl, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string) => new Promise<unknown>((resolve) => {
    const id = ++next;
    waiting.set(id, resolve);
    ws.send(JSON.stringify({ id, method }));
  });
  try {
    // Twice: the first collection may leave objects that only a second frees (weak references, finalizers).
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage");
    const usage = (await call("Runtime.getHeapUsage")) as { usedSize: number };
    return usage.usedSize;
  } finally {
    ws.close();
  }
}
