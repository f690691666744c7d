/**
 * What `deno task start` serves for the web page: its files (and nothing outside web/), a
 * config.js naming this stack, supabase-js's browser build, and the development sign-in, which
 * mints a token with the local secret for a user it finds or creates.
 */
import assert from "node:assert/strict";
import { verifyJwt } from "../local/jwt.ts";
import { createWebHandler } from "../local/web/server.ts";
import { supabaseJsVersion } from "../local/web/vendor.ts";
import type { Sql } from "../shared/db/postgres.ts";
import { dbTest, withRollback } from "./support/database.ts";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

Deno.test(
  "web server: files, config, supabase-js, and the development sign-in",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const web = createWebHandler({
        sql: tx as unknown as Sql,
        jwtSecret: SECRET,
        anonKey: "anon-1",
      });
      const get = async (path: string, init?: RequestInit) => {
        const answer = web(new Request(`http://localhost:54321${path}`, init));
        return answer ? await answer : undefined;
      };

      const index = await get("/");
      assert.equal(index?.status, 200);
      assert.match(index!.headers.get("content-type")!, /text\/html/);
      const html = await index!.text();
      assert.match(html, /<script type="module" src="app.js">/);
      // the folder deployed as it is loads the very build deno.json pins from the CDN
      assert.ok(
        html.includes(
          `https://cdn.jsdelivr.net/npm/@supabase/supabase-js@${supabaseJsVersion()}/dist/umd/supabase.js`,
        ),
        "the CDN fallback names the pinned supabase-js version",
      );
      const config = await (await get("/config.js"))!.text();
      assert.match(config, /"supabaseUrl": "http:\/\/localhost:54321"/);
      assert.match(config, /"anonKey": "anon-1"/);
      assert.match(config, /"signIn": "local"/);
      const vendor = await get("/vendor/supabase.js");
      assert.equal(vendor?.status, 200);
      assert.match(await vendor!.text(), /createClient/);
      assert.equal((await get("/js/session.js"))?.status, 200);
      await get("/js/nothing.js").then((r) => r?.body?.cancel());

      // nothing outside web/: a servable name is looked up inside web/ only ("%2e%2e" is "..",
      // which URL parsing resolves before the handler sees the path); other names are not its
      for (
        const path of ["/docs/screenshots/web-page.png", "/%2e%2e/docs/screenshots/web-page.png"]
      ) {
        const answer = await get(path);
        assert.equal(answer?.status, 404, path);
        await answer?.body?.cancel();
      }
      for (
        const path of ["/deno.json", "/.env", "/js/..%2F..%2Fdeno.json", "/js/%2e%2e%2fapp.js"]
      ) {
        assert.equal(await get(path), undefined, path);
      }
      assert.equal(await get("/functions/v1/feed"), undefined);
      assert.equal(await get("/storage/v1/object/cvs/x.pdf"), undefined);

      const signIn = (body: unknown) =>
        get("/local/dev-sign-in", { method: "POST", body: JSON.stringify(body) });
      const bad = await signIn({ email: "not-an-email" });
      assert.equal(bad?.status, 400);
      assert.match((await bad!.json()).error, /Enter an email address/);
      const first = await (await signIn({ email: " Ada@Example.com " }))!.json();
      assert.equal(first.user.email, "ada@example.com");
      const claims = await verifyJwt(first.access_token, SECRET);
      assert.equal(claims.sub, first.user.id);
      assert.equal(claims.role, "authenticated");
      const again = await (await signIn({ email: "ada@example.com" }))!.json();
      assert.equal(again.user.id, first.user.id, "the same user signs in again");
      const [{ users }] = await tx`select count(*)::int as users from auth.users
                                 where email = 'ada@example.com'`;
      assert.equal(users, 1);
      assert.equal((await get("/local/dev-sign-in"))?.status, 405);

      // a page that signs in with Supabase Auth has no development sign-in next to it
      const supabaseAuth = createWebHandler({
        sql: tx as unknown as Sql,
        jwtSecret: SECRET,
        anonKey: "anon-1",
        signIn: "supabase",
      });
      const refused = supabaseAuth(
        new Request("http://localhost/local/dev-sign-in", {
          method: "POST",
          body: JSON.stringify({ email: "ada@example.com" }),
        }),
      );
      assert.equal(refused, undefined);
      const supabaseConfig = await supabaseAuth(new Request("http://localhost/config.js"))!;
      assert.match(await supabaseConfig.text(), /"signIn": "supabase"/);
    });
  },
);
