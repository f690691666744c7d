/**
 * `deno task jobs digest --run-once` on the embedded database: the digest of --at's local date,
 * sent once per user and date through the Resend fake (asking again sends nothing), and `stats`
 * counts it.
 */
import assert from "node:assert/strict";
import { openLocalDatabase, prepareLocalDatabase } from "../local/database.ts";
import { loadConfig } from "../shared/config.ts";
import { startFakeResend } from "../local/fakes/mod.ts";
import { jobs } from "./support/cli.ts";

Deno.test("cli: digest checks its flags", async () => {
  const none = await jobs(["digest"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /digest needs --run-once/);
  const badAt = await jobs(["digest", "--run-once", "--at", "tomorrow"]);
  assert.equal(badAt.code, 2);
  assert.match(badAt.stderr, /--at must be an ISO 8601 instant/);
});

Deno.test("cli: digest --run-once sends each due user one email per date", async () => {
  const dataDir = await Deno.makeTempDir();
  const fake = await startFakeResend();
  try {
    const env = {
      PGLITE_DATA_DIR: dataDir,
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: fake.url,
      DIGEST_FROM: "Jobs <jobs@example.com>",
      FUNCTIONS_SECRET: "cli-secret",
    };
    const database = await openLocalDatabase(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    let user: string;
    try {
      const sql = database.sql;
      await prepareLocalDatabase(sql);
      [{ id: user }] = await sql`
        insert into auth.users (id, email, aud, role) values
          (gen_random_uuid(), 'digest@example.com', 'authenticated', 'authenticated')
        returning id`;
      await sql`insert into public.user_search_queries (user_id, title_keyword, location)
                values (${user}, 'data engineer', 'berlin')`;
      const [{ id: tracking }] = await sql`
        select id from public.mark_combination_backfilled('data engineer', 'berlin')`;
      const [{ id: job }] = await sql`
        insert into public.jobs (fingerprint, title, company, location_city, location_country,
          posted_at)
        values ('fp-cli-digest', 'Data Engineer', 'Zalando', 'Berlin', 'DE',
          now() - interval '1 hour') returning id`;
      await sql`insert into public.combination_jobs (combination_id, job_id)
                values (${tracking}, ${job})`;
      await sql`insert into public.digest_preferences (user_id, enabled) values (${user}, true)`;
      await sql`update public.settings set digest_feed_url = 'https://jobs.example.com/'`;
    } finally {
      await database.close();
    }
    const at = new Date().toISOString();
    const first = await jobs(["digest", "--run-once", "--at", at, "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const outcome = JSON.parse(first.stdout);
    assert.equal(outcome.sends.sent, 1);
    assert.equal(outcome.status, "done");
    assert.equal(fake.sent.length, 1);
    assert.deepEqual(fake.sent[0].to, ["digest@example.com"]);
    assert.equal(fake.sent[0].from, "Jobs <jobs@example.com>");
    assert.equal(fake.sent[0].idempotencyKey, `digest/${user}/${outcome.localDate}`);

    const again = await jobs(["digest", "--run-once", "--at", at], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /this run 0 sent/);
    assert.match(again.stdout, /1 sent, 0 skipped, 0 failed, 0 pending \(done\)/);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.sent.length, 1);

    const stats = await jobs(["stats"], env);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(
      stats.stdout,
      /Morning digests per day[^\n]*\n {2}\d{4}-\d\d-\d\d: 1 sent, 0 skipped, 0 failed/,
    );
  } finally {
    await fake.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
