/**
 * The unsubscribe pages: small HTML answers a mail client or a browser opens without signing in.
 *
 * @module
 */
import { escapeHtml } from "../../shared/digest/render.ts";

/** An HTML answer with a title and paragraphs of markup (already escaped). */
export function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:Arial,Helvetica,sans-serif;max-width:480px;margin:48px auto;` +
    `padding:0 16px;line-height:1.5;"><h1 style="font-size:20px;">${escapeHtml(title)}</h1>` +
    `${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      "referrer-policy": "no-referrer",
    },
  });
}

/** The link's token is missing, damaged or not ours: what to do instead. */
export function badTokenPage(): Response {
  return page(
    400,
    "This unsubscribe link does not work",
    "<p>The link is incomplete or damaged. Open the unsubscribe link from your latest digest " +
      "email again (copy the whole address), or sign in and turn the morning digest off in " +
      "your settings.</p>",
  );
}

/**
 * The confirmation page of a good link: one button that POSTs the one-click body to the page's
 * own address (a form without an action posts there, token included).
 */
export function confirmPage(): Response {
  return page(
    200,
    "Unsubscribe from the morning digest?",
    `<p>You will get no more morning digest emails.</p>` +
      `<form method="post">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit" style="font-size:16px;padding:8px 16px;">Unsubscribe</button>` +
      `</form>`,
  );
}

/** Done. */
export function unsubscribedPage(): Response {
  return page(
    200,
    "You are unsubscribed",
    "<p>You will get no more morning digest emails. You can turn the digest on again in your " +
      "settings.</p>",
  );
}
