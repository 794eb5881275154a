/**
 * What the client benchmark installs in every page before the app loads (a Playwright init script), and the
 * shape of what it collects. The probes only listen; they never change what the app does.
 *
 * - keydown → next frame: from the keydown event's time stamp to a message posted from the first animation
 *   frame after it, i.e. after the frame that shows the key has been laid out and painted;
 * - remote render: from the arrival of a y-websocket sync update (message type 0, sync type 2) to the same
 *   point after the next frame;
 * - long tasks (PerformanceObserver "longtask", > 50 ms), with their start and duration.
 */

/** What a page collected (times in ms, `performance.now()` of that page). */
export interface PageProbe {
  keys: number[];
  remote: number[];
  longTasks: Array<[start: number, duration: number]>;
}

/**
 * The init script, as source text: a function handed to Playwright would be serialized from its compiled
 * form, which a TypeScript loader may decorate with helpers that do not exist in the page.
 */
export const PROBE_SCRIPT = `(() => {
  const probe = { keys: [], remote: [], longTasks: [] };
  window.__benchProbe = probe;
  const afterNextFrame = (t0, into) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => into.push(performance.now() - t0);
      channel.port2.postMessage(0);
    });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {}
  addEventListener("keydown", (e) => afterNextFrame(e.timeStamp, probe.keys), true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      // Registered before the provider's onmessage, so it runs first, at arrival.
      this.addEventListener("message", (ev) => {
        if (!(ev.data instanceof ArrayBuffer)) return;
        const bytes = new Uint8Array(ev.data);
        if (bytes[0] === 0 && bytes[1] === 2) afterNextFrame(performance.now(), probe.remote);
      });
    }
  };
})();`;
