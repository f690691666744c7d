/**
 * HTTP adapter of the health check: GET → 200 with the report when healthy, 503 otherwise.
 *
 * @module
 */
import { checkHealth } from "../../shared/health.ts";
import type { Sql } from "../../shared/db/postgres.ts";

/** Builds the request handler around a database client (or none when unconfigured). */
export function createHealthHandler(sql: Sql | undefined): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== "GET") {
      return Response.json({ error: `Method ${req.method} not allowed; use GET.` }, {
        status: 405,
        headers: { allow: "GET" },
      });
    }
    const health = await checkHealth(sql);
    return Response.json(health, { status: health.ok ? 200 : 503 });
  };
}
