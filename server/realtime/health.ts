/**
 * Liveness and readiness for a load balancer or an orchestrator, answered before the app (no session, no
 * Origin check, no body): `GET /healthz` is 200 while the process serves; `GET /readyz` is 200 only when the
 * database and (when configured) Redis answer and the instance is not draining, else 503 with what is wrong.
 * While draining, new realtime upgrades are refused with 503 so that the proxy sends them elsewhere.
 */
export interface HealthChecks {
  instanceId: string;
  database(): Promise<void>;
  redis: (() => Promise<void>) | null;
  draining(): boolean;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  });

async function check(fn: () => Promise<void>, timeoutMs = 2000): Promise<string> {
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), timeoutMs).unref()),
    ]);
    return "ok";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Wraps an app's fetch with the health routes and the drain gate. */
export function withHealth<F extends (req: Request, ...rest: never[]) => Response | Promise<Response>>(
  fetch: F,
  checks: HealthChecks,
): F {
  return (async (req: Request, ...rest: never[]) => {
    const { pathname } = new URL(req.url);
    if (pathname === "/healthz") return json(200, { status: "ok", instance: checks.instanceId });
    if (pathname === "/readyz") {
      const [database, redis] = await Promise.all([
        check(checks.database),
        checks.redis ? check(checks.redis) : Promise.resolve("not configured"),
      ]);
      const draining = checks.draining();
      const ready = !draining && database === "ok" && (redis === "ok" || redis === "not configured");
      return json(ready ? 200 : 503, {
        status: ready ? "ready" : "unavailable",
        instance: checks.instanceId,
        draining,
        database,
        redis,
      });
    }
    if (checks.draining() && pathname.startsWith("/ws/")) {
      return json(503, { error: { code: "unavailable", message: "This instance is shutting down; reconnect." } });
    }
    return fetch(req, ...rest);
  }) as F;
}
