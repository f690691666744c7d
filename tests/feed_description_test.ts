/**
 * `GET /feed/jobs/<id>/description`: a job's description as plain text for the users whose
 * searches found it (RLS on public.jobs), a 404 for anybody else, a 400 naming an id that is not
 * one, a 401 without a token; and the plain-text rules themselves.
 */
import assert from "node:assert/strict";
import { userAccessToken } from "../local/jwt.ts";
import { MAX_DESCRIPTION_CHARS, plainDescription } from "../shared/feed/description.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { feedHandler, SECRET } from "./support/feed.ts";
import { insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

Deno.test("feed description: the owner reads it, nobody else; ids checked", dbTest, async () => {
  await withRollback(async (tx) => {
    const ana = await createUser(tx, "ana@example.com");
    const ben = await createUser(tx, "ben@example.com");
    await insertQuery(tx, ana, { title_keyword: "data engineer", location: "berlin" });
    await insertQuery(tx, ben, { title_keyword: "nurse", location: "munich" });
    const job = await insertJobFor(
      tx,
      await markBackfilled(tx, { title_keyword: "data engineer", location: "berlin" }),
      "Data Engineer",
    );
    const bare = await insertJobFor(
      tx,
      await markBackfilled(tx, { title_keyword: "data engineer", location: "berlin" }),
      "Data Engineer (Streaming)",
    );
    await tx`update public.jobs
             set description = ${"We build pipelines.\r\n\r\n\r\nYou:\n- know SQL"},
                 apply_url = 'https://jobs.example.com/1'
             where id = ${job}`;
    await tx`update public.jobs set apply_url = 'javascript:alert(1)' where id = ${bare}`;
    const handler = feedHandler(tx);
    const call = async (path: string, user?: string, method = "GET") =>
      await handler(
        new Request(`http://x/functions/v1/feed${path}`, {
          method,
          headers: user ? { authorization: `Bearer ${await userAccessToken(user, SECRET)}` } : {},
        }),
      );

    const ok = await call(`/jobs/${job}/description`, ana);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await ok.json(), {
      description: "We build pipelines.\n\nYou:\n- know SQL",
      url: "https://jobs.example.com/1",
    });
    assert.deepEqual(
      await (await call(`/jobs/${bare}/description`, ana)).json(),
      { description: null, url: null },
      "no description, and only an http(s) link",
    );

    const other = await call(`/jobs/${job}/description`, ben);
    assert.equal(other.status, 404, "Ben's searches did not find it");
    assert.equal((await other.json()).error, `Job ${job} is not in your feed.`);
    const missing = await call("/jobs/999999999/description", ana);
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error, /Job 999999999 is not in your feed/);

    for (const id of ["abc", "0", "-1", "1.5", "1e3", "99999999999999999999"]) {
      const bad = await call(`/jobs/${id}/description`, ana);
      assert.equal(bad.status, 400, id);
      assert.match(
        (await bad.json()).error,
        new RegExp(`"${id.replace(".", "\\.")}" is not a job id`),
      );
    }

    const anonymous = await call(`/jobs/${job}/description`);
    assert.equal(anonymous.status, 401);
    assert.match((await anonymous.json()).error, /Sign in first/);
    assert.equal((await call(`/jobs/${job}/description`, ana, "POST")).status, 405);
    assert.equal((await call(`/jobs/${job}`, ana)).status, 404, "no such path");
    const [{ role }] = await tx`select current_user as role`;
    assert.notEqual(role, "authenticated", "the role ended with the read");
  });
});

Deno.test("feed description: plain text from markup, cut at the limit", () => {
  assert.equal(plainDescription(null), null);
  assert.equal(plainDescription("  \n "), null);
  assert.equal(
    plainDescription(
      "<p>Hello &amp; welcome</p><script>alert(1)</script><ul><li>SQL</li><li>Go</li></ul>x<br>y",
    ),
    "Hello & welcome\n\n• SQL\n\n• Go\n\nx\ny",
  );
  assert.equal(plainDescription("Salary <50k & more"), "Salary <50k & more", "not markup");
  assert.equal(plainDescription("a\u0000b\tc"), "ab\tc");
  const long = plainDescription("x".repeat(MAX_DESCRIPTION_CHARS + 10))!;
  assert.equal([...long].length, MAX_DESCRIPTION_CHARS + 1);
  assert.ok(long.endsWith("…"));
  assert.equal(plainDescription("😀😀😀", 2), "😀😀…", "never half a surrogate pair");
});
