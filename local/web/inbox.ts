/**
 * `/local/inbox` of `deno task start`: the emails the Resend fake accepted (the digest's), so a
 * local digest can be read in the browser. Local only — `createWebHandler` serves it on the
 * local stack, nothing deployed has it.
 *
 *   GET /local/inbox          the list, newest first: to, subject, time
 *   POST /local/inbox/send    sends today's digest now (the local digest function), then the
 *                             list; same-origin form posts only
 *   GET /local/inbox/<id>     one email: its headers (List-Unsubscribe...), its HTML in a
 *                             sandboxed iframe (no scripts, no same origin), its text part
 *
 * Everything the email holds is escaped; the pages forbid scripts (Content-Security-Policy),
 * which the iframe's `srcdoc` inherits.
 *
 * @module
 */
import type { SentEmail } from "../fakes/resend.ts";

/**
 * Where the emails come from: the fake's `sent` log (and what sends today's digest now), or why
 * there is none.
 */
export type InboxSource =
  | { sent: readonly SentEmail[]; sendDigest?: () => Promise<string> }
  | { unavailable: string };

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; " +
  "base-uri 'none'; form-action 'self'";

const STYLE = "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;" +
  "padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;" +
  "padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}th{white-space:nowrap}" +
  "iframe{width:100%;height:32rem;border:1px solid #ccc}pre{white-space:pre-wrap;" +
  "background:#f6f6f6;padding:1rem}";

/** `value` escaped for HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A whole page around `body` (already escaped). */
function page(title: string, body: string, status = 200): Response {
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body>${body}</body></html>\n`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CSP,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });
}

/** The list: newest first, under `notice` (escaped here) and the send button. */
function listPage(sent: readonly SentEmail[], canSend: boolean, notice = ""): Response {
  const rows = [...sent].reverse().map((email) =>
    `<tr><td>${escapeHtml(email.to.join(", "))}</td>` +
    `<td><a href="/local/inbox/${encodeURIComponent(email.id)}">` +
    `${escapeHtml(email.subject || "(no subject)")}</a></td>` +
    `<td><time datetime="${escapeHtml(email.created_at)}">${escapeHtml(email.created_at)}</time>` +
    `</td></tr>`
  ).join("");
  const form = canSend
    ? `<form method="post" action="/local/inbox/send"><button>Send today's digest now</button> ` +
      "(to each user who turned it on and has new jobs; once per user and date)</form>"
    : "";
  const body = `<h1>Local inbox</h1>` +
    (notice ? `<p role="status"><strong>${escapeHtml(notice)}</strong></p>` : "") +
    `<p>${sent.length} email${sent.length === 1 ? "" : "s"} the Resend fake accepted since ` +
    "<code>deno task start</code> began (kept in memory).</p>" + form +
    (sent.length === 0
      ? "<p>Nothing yet.</p>"
      : `<table><thead><tr><th>To</th><th>Subject</th><th>Time (UTC)</th></tr></thead>` +
        `<tbody>${rows}</tbody></table>`);
  return page("Local inbox", body);
}

/** One email: headers, the HTML part sandboxed, the text part. */
function emailPage(email: SentEmail): Response {
  const headers: [string, string][] = [
    ["From", email.from],
    ["To", email.to.join(", ")],
    ["Subject", email.subject],
    ["Date", email.created_at],
    ["Resend id", email.id],
    ["Idempotency-Key", email.idempotencyKey ?? "(none)"],
    ...Object.entries(email.headers ?? {}),
  ];
  const table = headers.map(([name, value]) =>
    `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`
  ).join("");
  // links open outside the frame; the frame runs no script and has no origin of its own
  const html = email.html === undefined ? "" : `<h2>HTML part</h2>` +
    `<iframe title="The email's HTML part" sandbox="allow-popups ` +
    `allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" srcdoc="` +
    `${escapeHtml(`<base target="_blank">${email.html}`)}"></iframe>`;
  const text = email.text === undefined
    ? ""
    : `<h2>Text part</h2><pre>${escapeHtml(email.text)}</pre>`;
  const body = `<p><a href="/local/inbox">← Local inbox</a></p>` +
    `<h1>${escapeHtml(email.subject || "(no subject)")}</h1><table>${table}</table>${html}${text}`;
  return page(email.subject || "(no subject)", body);
}

/** Answers `/local/inbox` and `/local/inbox/<id>` (GET, HEAD); undefined for other paths. */
export function inboxResponse(
  req: Request,
  source: InboxSource,
): Response | Promise<Response> | undefined {
  const path = new URL(req.url).pathname.replace(/\/$/, "");
  if (path !== "/local/inbox" && !path.startsWith("/local/inbox/")) return undefined;
  if ("unavailable" in source) {
    return page("Local inbox", `<h1>Local inbox</h1><p>${escapeHtml(source.unavailable)}</p>`);
  }
  if (path === "/local/inbox/send") return sendNow(req, source);
  if (req.method !== "GET" && req.method !== "HEAD") {
    return page("Local inbox", "<p>The local inbox is read with GET.</p>", 405);
  }
  if (path === "/local/inbox") return listPage(source.sent, source.sendDigest !== undefined);
  let id = "";
  try {
    id = decodeURIComponent(path.slice("/local/inbox/".length));
  } catch { /* not an id */ }
  const email = source.sent.find((e) => e.id === id);
  return email ? emailPage(email) : page(
    "Not found",
    `<p>No email ${escapeHtml(id)} in the local inbox (it keeps what was sent since ` +
      `<code>deno task start</code> began). <a href="/local/inbox">See the list</a>.</p>`,
    404,
  );
}

/** `POST /local/inbox/send`: today's digest now, from this page's own form only. */
async function sendNow(
  req: Request,
  source: { sent: readonly SentEmail[]; sendDigest?: () => Promise<string> },
): Promise<Response> {
  if (req.method !== "POST" || !source.sendDigest) {
    return page(
      "Local inbox",
      '<p>Use the button on <a href="/local/inbox">the inbox</a>.</p>',
      405,
    );
  }
  // a form of another site must not send (the Origin of a same-origin form post is ours)
  if (req.headers.get("origin") !== new URL(req.url).origin) {
    return page("Local inbox", "<p>Send the digest from the inbox's own button.</p>", 403);
  }
  let notice: string;
  try {
    notice = await source.sendDigest();
  } catch (error) {
    notice = `The digest could not be sent: ${(error as Error).message}`;
  }
  return listPage(source.sent, true, notice);
}
