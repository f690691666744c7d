/**
 * `/local/inbox` of `deno task start`: the local stack's digest goes to the Resend fake (no
 * RESEND_API_KEY), the inbox's button sends today's digest through the local digest function,
 * and the email is listed and shown — its HTML sandboxed, every field escaped, the headers with
 * List-Unsubscribe. Served only where the stack gives the web page its inbox.
 */
import assert from "node:assert/strict";
import { LOCAL_DIGEST_FROM, startFakesUnlessKeys } from "../local/fakes_unless_keys.ts";
import type { SentEmail } from "../local/fakes/resend.ts";
import { startLocalStack } from "../local/stack.ts";
import { inboxSource, useLocalFeedUrl } from "../local/start.ts";
import { memoryObjectFiles } from "../local/storage/files.ts";
import { createWebHandler } from "../local/web/server.ts";
import { loadConfig } from "../shared/config.ts";
import type { Sql, TransactionSql } from "../shared/db/postgres.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

const ORIGIN = "http://127.0.0.1:54321";

/** A user whose feed has two new jobs, the digest on. */
async function userWithNewJobs(tx: TransactionSql, email: string): Promise<string> {
  const user = await createUser(tx, email);
  const cv = await insertCv(tx, user);
  const combination = { title_keyword: "data engineer", location: "berlin" };
  await insertQuery(tx, user, combination, cv);
  const tracking = await markBackfilled(tx, combination);
  for (const title of ["Data Engineer <Platform>", "Senior Data Engineer"]) {
    const id = await insertJobFor(tx, tracking, title);
    await tx`update public.jobs set posted_at = now() - interval '2 hours' where id = ${id}`;
  }
  await tx`insert into public.digest_preferences (user_id, enabled) values (${user}, true)`;
  return user;
}

async function get(web: ReturnType<typeof createWebHandler>, path: string) {
  const response = await web(new Request(`${ORIGIN}${path}`));
  assert.ok(response, `${path} is served`);
  return { response, html: await response.text() };
}

Deno.test(
  "inbox: the local stack sends the digest to the Resend fake; /local/inbox lists and shows it",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`update public.settings set digest_feed_url = null`;
      await userWithNewJobs(tx, "ada@example.com");
      // providers and Claude "real" (never called here): only the Resend fake starts
      const apis = await startFakesUnlessKeys(
        loadConfig({ RAPIDAPI_KEY: "unused", ANTHROPIC_API_KEY: "unused" }),
        { key: "local-key" },
      );
      assert.equal(apis.email, "fake");
      assert.equal(apis.env.DIGEST_FROM, LOCAL_DIGEST_FROM);
      const stack = await startLocalStack({
        sql: tx as unknown as Sql,
        config: loadConfig({ ...apis.env, DATABASE_URL: "" }),
        files: memoryObjectFiles(),
      });
      try {
        await useLocalFeedUrl(tx, stack.url);
        const [{ digest_feed_url }] = await tx`select digest_feed_url from public.settings`;
        assert.equal(digest_feed_url, `${stack.url}/`);
        const web = createWebHandler({
          sql: tx as unknown as Sql,
          jwtSecret: "unused-secret-unused-secret-unused",
          anonKey: "anon",
          inbox: () => inboxSource(apis, () => stack),
        });
        const empty = await get(web, "/local/inbox");
        assert.match(empty.html, /Nothing yet/);
        assert.match(empty.html, /<button>Send today's digest now<\/button>/);

        const foreign = await web(
          new Request(`${ORIGIN}/local/inbox/send`, {
            method: "POST",
            headers: { origin: "https://evil.example" },
          }),
        );
        assert.equal(foreign?.status, 403, "another site's form sends nothing");
        const sent = await web(
          new Request(`${ORIGIN}/local/inbox/send`, {
            method: "POST",
            headers: { origin: ORIGIN },
          }),
        );
        assert.equal(sent?.status, 200);
        assert.match(await sent!.text(), /is being sent/);
        await stack.settle();
        assert.equal(apis.resend!.sent.length, 1, "one email");

        const list = await get(web, "/local/inbox");
        assert.match(list.response.headers.get("content-security-policy") ?? "", /default-src/);
        assert.match(list.html, /ada@example\.com/);
        const id = /href="\/local\/inbox\/([^"]+)"/.exec(list.html)?.[1];
        assert.equal(id, apis.resend!.sent[0].id);

        const one = await get(web, `/local/inbox/${id}`);
        assert.equal(one.response.status, 200);
        assert.match(
          one.html,
          /<iframe [^>]*sandbox="allow-popups allow-popups-to-escape-sandbox"/,
        );
        assert.match(one.html, /srcdoc="&lt;base target=&quot;_blank&quot;&gt;/);
        assert.match(
          one.html,
          /List-Unsubscribe<\/th><td>&lt;http:\/\/127\.0\.0\.1:\d+\/functions\/v1\/digest\/unsubscribe\?token=/,
        );
        assert.match(one.html, /<h2>Text part<\/h2><pre>[^<]*Data Engineer &lt;Platform&gt;/);
        assert.doesNotMatch(one.html, /<Platform>/, "the job's title is escaped everywhere");
      } finally {
        await stack.close();
        await apis.close();
      }
    });
  },
);

Deno.test("inbox: hostile fields are escaped; unknown ids 404; no inbox, no route", async () => {
  const email: SentEmail = {
    id: "a1",
    created_at: "2026-12-07T05:00:00.000Z",
    from: "Job feed <digest@example.com>",
    to: ['"><script>alert(1)</script>@example.com'],
    subject: "<script>alert(2)</script>",
    html: `<img src=x onerror="alert(3)">`,
    text: "</pre><script>alert(4)</script>",
    headers: { "X-Test": "<b>bold</b>" },
    idempotencyKey: "digest/u/2026-12-07",
  };
  const web = createWebHandler({
    sql: undefined as unknown as Sql,
    jwtSecret: "unused",
    anonKey: "anon",
    inbox: () => ({ sent: [email] }),
  });
  for (const path of ["/local/inbox", "/local/inbox/a1"]) {
    const { html } = await get(web, path);
    assert.doesNotMatch(html, /<script>|<img|<b>/, path);
  }
  const { html } = await get(web, "/local/inbox/a1");
  assert.match(html, /srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;img src=x onerror=&quot;/);
  assert.equal((await get(web, "/local/inbox/nope")).response.status, 404);
  const production = createWebHandler({
    sql: undefined as unknown as Sql,
    jwtSecret: "x",
    anonKey: "a",
  });
  assert.equal(production(new Request(`${ORIGIN}/local/inbox`)), undefined);
});
