/**
 * A barrier for "nothing happened" checks in the browser: proof that the server handled everything a page sent
 * on its realtime socket, instead of a fixed sleep.
 *
 * Concord's server answers a sync step 1 only after every frame received before it on that socket was handled
 * and every accepted update was committed (server/sync/room.ts, `afterCommit`). So the barrier sends a step 1
 * on the page's own socket, after whatever the page sent, and waits for the step 2 that answers it. The socket
 * is reached through a tap installed before the app loads (`tapRealtimeSocket`), which also counts step 1
 * frames sent and step 2 frames received so that an earlier step 1's answer is not taken for the barrier's.
 *
 * The barrier's answer also reaches the page's provider, which applies it (the server's whole document: a
 * harmless no-op) and its delivery tracker, which may count it as an answer to a probe of its own; use it only
 * where the page has no unsent edits of its own to track (read-only pages, negative checks).
 */
import type { Page } from "playwright-core";

interface Tap {
  ws: WebSocket;
  step1Sent: number;
  step2Received: number;
}

/** Installs the socket tap; call before the page opens the app. */
export async function tapRealtimeSocket(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __realtimeTaps: Tap[]; WebSocket: typeof WebSocket };
    const Original = w.WebSocket;
    w.__realtimeTaps = [];
    const bytes = (d: unknown): Uint8Array | null =>
      d instanceof ArrayBuffer
        ? new Uint8Array(d)
        : ArrayBuffer.isView(d)
          ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
          : null;
    class TappedWebSocket extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        const tap: Tap = { ws: this, step1Sent: 0, step2Received: 0 };
        w.__realtimeTaps.push(tap);
        const send = this.send.bind(this);
        this.send = (data: Parameters<WebSocket["send"]>[0]) => {
          const b = bytes(data);
          if (b && b[0] === 0 && b[1] === 0) tap.step1Sent++;
          send(data);
        };
        this.addEventListener("message", (ev: MessageEvent) => {
          const b = bytes(ev.data);
          if (b && b[0] === 0 && b[1] === 1) tap.step2Received++;
        });
      }
    }
    w.WebSocket = TappedWebSocket;
  });
}

/**
 * Sends a sync step 1 on the page's open realtime socket and resolves once the server answered it: everything
 * the page sent before was handled (and what was accepted, committed).
 */
export async function realtimeBarrier(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.evaluate(() => {
    const taps = (window as unknown as { __realtimeTaps?: Array<Tap & { target?: number }> }).__realtimeTaps;
    if (!taps) throw new Error("no socket tap: call tapRealtimeSocket(page) before opening the app");
    const tap = taps.filter((t) => t.ws.readyState === WebSocket.OPEN && t.ws.url.includes("/ws/")).at(-1);
    if (!tap) throw new Error("no open realtime socket");
    // Sync, step 1, the state vector of an empty document: [0, 0, length 1, 0 clients].
    tap.ws.send(new Uint8Array([0, 0, 1, 0]));
    tap.target = tap.step1Sent;
  });
  await page.waitForFunction(
    () => {
      const taps = (window as unknown as { __realtimeTaps: Array<Tap & { target?: number }> }).__realtimeTaps;
      const tap = taps.filter((t) => t.target !== undefined).at(-1)!;
      return tap.step2Received >= tap.target!;
    },
    undefined,
    { timeout: timeoutMs },
  );
}
