/**
 * The reference y-websocket server: `@y/websocket-server` 0.1.1's `setupWSConnection`, in memory,
 * wired exactly as its own `src/server.js` does (room = URL path). Env: PORT, HOST. Prints `READY <port>`.
 */
import http from "node:http";
import { WebSocketServer } from "ws";
import { setupWSConnection } from "@y/websocket-server/utils";

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 0);
const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end("okay");
});
wss.on("connection", setupWSConnection);
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});
server.listen(port, host, () => {
  const addr = server.address();
  console.log(`READY ${typeof addr === "object" && addr ? addr.port : port}`);
});
process.on("SIGTERM", () => process.exit(0));
