/**
 * The local stand-in for pg_net's background worker: takes the requests queued in
 * `net.http_request_queue`, performs them, and writes `net._http_response` like pg_net does.
 * Through its own connection it sees committed requests only, as the real worker does; tests
 * pass their transaction to deliver what a trigger queued in it. The local runner (`local/stack.ts`)
 * calls it in a loop.
 *
 * @module
 */
import type { Queryable } from "../shared/db/postgres.ts";

/** One delivered request. */
export interface Delivery {
  id: number;
  url: string;
  status: number | null;
  error: string | null;
}

interface QueuedRow {
  id: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeout_milliseconds: number;
}

/** Delivers up to `limit` queued requests, oldest first. */
export async function deliverQueuedRequests(
  sql: Queryable,
  options: { limit?: number; fetch?: typeof fetch } = {},
): Promise<Delivery[]> {
  const rows = await sql<QueuedRow[]>`
    delete from net.http_request_queue
    where id in (select id from net.http_request_queue order by id limit ${options.limit ?? 200})
    returning id, method, url, headers, convert_from(body, 'UTF8') as body, timeout_milliseconds`;
  const send = options.fetch ?? fetch;
  const deliveries: Delivery[] = [];
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    let status: number | null = null;
    let content: string | null = null;
    let error: string | null = null;
    let headers: Record<string, string> = {};
    let timedOut = false;
    try {
      const response = await send(row.url, {
        method: row.method.toUpperCase(),
        headers: row.headers,
        body: row.method.toUpperCase() === "GET" ? undefined : row.body ?? undefined,
        signal: AbortSignal.timeout(row.timeout_milliseconds),
      });
      status = response.status;
      headers = Object.fromEntries(response.headers);
      content = await response.text();
    } catch (caught) {
      timedOut = (caught as Error).name === "TimeoutError";
      error = timedOut
        ? `Timeout of ${row.timeout_milliseconds} ms reached`
        : (caught as Error).message;
    }
    await sql`
      insert into net._http_response (id, status_code, content_type, headers, content, timed_out,
        error_msg)
      values (${row.id}, ${status}, ${headers["content-type"] ?? null}, ${sql.json(headers)},
        ${content}, ${timedOut}, ${error})`;
    deliveries.push({ id: row.id, url: row.url, status, error });
  }
  return deliveries;
}
