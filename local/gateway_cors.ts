/**
 * CORS the way a Supabase project's API gateway answers it for Auth and Storage: any origin,
 * preflights answered with the headers and methods asked for. So that a page served from another
 * origin (the deployed web page) can sign in and upload to the local stand-in as it would to a
 * project. Functions answer their own CORS (shared/http/user_api.ts).
 *
 * @module
 */

type Handler = (req: Request) => Response | Promise<Response> | undefined;

const ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/** Wraps `inner` (Storage's and Auth's paths) with the gateway's CORS. */
export function withGatewayCors(inner: Handler): Handler {
  return (req) => {
    const path = new URL(req.url).pathname;
    if (!path.startsWith("/storage/v1/") && !path.startsWith("/auth/v1/")) return inner(req);
    if (req.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": ALLOW_METHODS,
          "access-control-allow-headers": req.headers.get("access-control-request-headers") ??
            "authorization, apikey, content-type, x-client-info, x-upsert",
          "access-control-max-age": "3600",
        },
      });
    }
    const answer = inner(req);
    if (!answer) return undefined;
    return Promise.resolve(answer).then((response) => {
      const headers = new Headers(response.headers);
      headers.set("access-control-allow-origin", "*");
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    });
  };
}
