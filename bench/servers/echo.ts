/**
 * The floor: a bare `ws` echo server. Every message is sent straight back to its sender.
 * Env: PORT, HOST. Prints `READY <port>` once listening.
 */
import { WebSocketServer } from "ws";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 0);
const wss = new WebSocketServer({ host, port, perMessageDeflate: false });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on("listening", () => {
  const addr = wss.address();
  console.log(`READY ${typeof addr === "object" && addr ? addr.port : port}`);
});
process.on("SIGTERM", () => process.exit(0));
