import assert from "node:assert/strict";
import { startProviderFakes } from "../local/fakes/mod.ts";
import { startFakeAnthropic } from "../local/fakes/anthropic.ts";
import { openLocalDatabase, prepareLocalDatabase } from "../local/database.ts";
import { loadConfig } from "../shared/config.ts";
import { cli, jobs } from "./support/cli.ts";

Deno.test("cli: bad arguments exit 2 with the usage", async () => {
  const unknown = await jobs(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  const badOption = await jobs(["migrate", "--force"]);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /Unknown option --force/);
});

Deno.test("cli: a database that is not there is named", async () => {
  const result = await jobs(["migrate"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Cannot reach Postgres at 127\.0\.0\.1:1/);
  const invalid = await jobs(["migrate"], { DATABASE_URL: "mysql://x" });
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /DATABASE_URL must be a postgres/);
});

Deno.test("cli: migrate --json on the embedded database persists between runs", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const first = await jobs(["migrate", "--json"], { PGLITE_DATA_DIR: dataDir });
    assert.equal(first.code, 0, first.stderr);
    const firstResult = JSON.parse(first.stdout);
    assert.ok(firstResult.applied.length >= 8);
    assert.equal(firstResult.embedded, true);
    const second = JSON.parse(
      (await jobs(["migrate", "--json"], { PGLITE_DATA_DIR: dataDir })).stdout,
    );
    assert.deepEqual(second.applied, []);
    assert.equal(second.skipped.length, firstResult.applied.length);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("cli: backfill checks its flags", async () => {
  const noUser = await jobs(["backfill", "--days", "14"]);
  assert.equal(noUser.code, 2);
  assert.match(noUser.stderr, /--days needs --user/);
  const badUser = await jobs(["backfill", "--user", "bob"]);
  assert.equal(badUser.code, 2);
  assert.match(badUser.stderr, /--user must be a user id/);
  const badDays = await jobs(["backfill", "--user", crypto.randomUUID(), "--days", "2w"]);
  assert.equal(badDays.code, 2);
  assert.match(badDays.stderr, /--days must be a whole number of days from 1 to 90/);
  const missing = await jobs(["backfill", "--user"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--user needs a value/);
});

Deno.test("cli: backfill --user fetches a user's combinations once; asking again costs nothing", async () => {
  const dataDir = await Deno.makeTempDir();
  const fakes = await startProviderFakes();
  try {
    const env = {
      PGLITE_DATA_DIR: dataDir,
      RAPIDAPI_KEY: "test-key",
      JSEARCH_BASE_URL: fakes.jsearch.url,
      ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
    };
    const database = await openLocalDatabase(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    let user: string;
    try {
      await prepareLocalDatabase(database.sql);
      [{ id: user }] = await database.sql`
        insert into auth.users (id, email, aud, role) values
          (gen_random_uuid(), 'cli@example.com', 'authenticated', 'authenticated') returning id`;
      await database.sql`
        insert into public.user_search_queries (user_id, title_keyword, location)
        values (${user}, 'data engineer', 'berlin')`;
    } finally {
      await database.close();
    }

    const first = await jobs(["backfill", "--user", user, "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const [outcome] = JSON.parse(first.stdout).requests;
    assert.equal(outcome.settlement, "done");
    assert.equal(outcome.stats.days, 30);
    assert.equal(outcome.stats.combinations_backfilled, 1);
    assert.ok(outcome.stats.new_jobs > 0);
    const calls = fakes.jsearch.requests.length + fakes.activeJobsDb.requests.length;
    assert.ok(calls >= 2);

    // two weeks are inside the month fetched: a partial backfill by hand costs nothing
    const again = await jobs(["backfill", "--user", user, "--days", "14"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /: done\n {2}combinations: 1 total, 1 skipped \(already backfilled\)/,
    );
    assert.match(again.stdout, /saved by dedup: [1-9]/);
    assert.equal(
      fakes.jsearch.requests.length + fakes.activeJobsDb.requests.length,
      calls,
      "a combination backfilled before is not fetched again",
    );
  } finally {
    await fakes.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("cli: daily checks its flags", async () => {
  const neither = await jobs(["daily"]);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /exactly one of --run-once or --schedule/);
  const badTime = await jobs(["daily", "--schedule", "6am"]);
  assert.equal(badTime.code, 2);
  assert.match(badTime.stderr, /--schedule must be a local time such as 06:00/);
  const badAt = await jobs(["daily", "--run-once", "--at", "tomorrow"]);
  assert.equal(badAt.code, 2);
  assert.match(badAt.stderr, /--at must be an ISO 8601 instant/);
});

Deno.test("cli: backfill says what waits and until when when nothing is due", async () => {
  const dataDir = await Deno.makeTempDir();
  const fakes = await startProviderFakes();
  try {
    const env = {
      PGLITE_DATA_DIR: dataDir,
      RAPIDAPI_KEY: "test-key",
      JSEARCH_BASE_URL: fakes.jsearch.url,
      ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
    };
    const database = await openLocalDatabase(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    try {
      const sql = database.sql;
      await prepareLocalDatabase(sql);
      const users: string[] = [];
      for (const [i, title] of ["data engineer", "data analyst", "data scientist"].entries()) {
        const [{ id }] = await sql`
          insert into auth.users (id, email, aud, role) values
            (gen_random_uuid(), ${`wait${i}@example.com`}, 'authenticated', 'authenticated')
          returning id`;
        await sql`insert into public.user_search_queries (user_id, title_keyword, location)
                  values (${id}, ${title}, 'berlin')`;
        await sql`select public.request_backfill(${id}::uuid)`;
        await sql`insert into public.backfill_tracking (title_keyword, location) values
                  (${title}, 'berlin')`;
        users.push(id);
      }
      // one request held by a live worker; one waiting for paused JSearch; one to retry
      await sql`update public.backfill_requests set state = 'running', claimed_by = 'worker-x',
                lease_expires_at = now() + interval '4 minutes' where user_id = ${users[0]}`;
      await sql`select public.pause_provider('jsearch', now() + interval '2 days',
                  'quota_exhausted', 'JSearch quota is spent')`;
      await sql`update public.backfill_tracking set state = 'waiting',
                providers_done = '{active_jobs_db}', next_attempt_at = now() + interval '2 days'
                where title_keyword = 'data analyst'`;
      await sql`update public.backfill_tracking set state = 'failed', attempts = 1,
                next_attempt_at = now() + interval '16 minutes', last_error = 'JSearch: 503'
                where title_keyword = 'data scientist'`;
      await sql`update public.backfill_requests set not_before = now() + interval '16 minutes'
                where user_id in (${users[1]}, ${users[2]})`;
    } finally {
      await database.close();
    }
    const text = await jobs(["backfill"], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /No backfill request is due\.\nWaiting:/);
    assert.match(text.stdout, /held by a live worker \(worker-x\) until \d{4}-\d\d-\d\dT/);
    assert.match(text.stdout, /paused: jsearch is paused until .* — JSearch quota is spent/);
    assert.match(text.stdout, /waiting to retry at .* — data scientist in berlin: JSearch: 503/);
    assert.equal(fakes.jsearch.requests.length + fakes.activeJobsDb.requests.length, 0);

    const json = await jobs(["backfill", "--json"], env);
    assert.equal(json.code, 0, json.stderr);
    const { requests, waiting } = JSON.parse(json.stdout);
    assert.deepEqual(requests, []);
    assert.deepEqual(
      waiting.map((w: { reason: string }) => w.reason).sort(),
      ["held", "paused", "retry"],
    );

    const stats = await jobs(["stats"], env);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /Paused: jsearch until .* \(quota_exhausted\)/);
    assert.match(stats.stdout, /1 waiting for a provider \(0 with JSearch done, 1 with Active/);
  } finally {
    await fakes.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("cli: daily --run-once refreshes once per date; --force runs it again", async () => {
  const dataDir = await Deno.makeTempDir();
  const fakes = await startProviderFakes();
  try {
    const env = {
      PGLITE_DATA_DIR: dataDir,
      RAPIDAPI_KEY: "test-key",
      JSEARCH_BASE_URL: fakes.jsearch.url,
      ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
    };
    const database = await openLocalDatabase(loadConfig({ PGLITE_DATA_DIR: dataDir }));
    try {
      await prepareLocalDatabase(database.sql);
      const [{ id }] = await database.sql`
        insert into auth.users (id, email, aud, role) values
          (gen_random_uuid(), 'daily@example.com', 'authenticated', 'authenticated') returning id`;
      await database.sql`
        insert into public.user_search_queries (user_id, title_keyword, location)
        values (${id}, 'data engineer', 'berlin')`;
      await database.sql`select public.mark_combination_backfilled('data engineer', 'berlin')`;
      await database
        .sql`update public.backfill_tracking set last_refreshed_at = now() - interval '1 day'`;
      // the fake's plan is BASIC: the expired-postings check is refused (403) and says why
      await database.sql`update public.settings set active_jobs_db_expired_enabled = true`;
    } finally {
      await database.close();
    }
    const at = new Date().toISOString();
    const first = await jobs(["daily", "--run-once", "--at", at, "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const outcome = JSON.parse(first.stdout);
    assert.equal(outcome.status, "succeeded");
    assert.deepEqual(outcome.items, { done: 1, failed: 0, skipped: 0, deferred: 0, lost: 0 });
    assert.deepEqual(outcome.waiting, [], "nothing waits");
    assert.equal(outcome.expired.state, "failed");
    assert.equal(outcome.expired.failure, "plan_required");
    assert.match(outcome.expired.error, /Ultra or Mega/);
    assert.equal(fakes.jsearch.requests.at(-1)?.params.date_posted, "today");
    const calls = fakes.jsearch.requests.length;

    // a paused provider is said, with its end
    const paused = async (sqlText: string) => {
      const database = await openLocalDatabase(loadConfig({ PGLITE_DATA_DIR: dataDir }));
      try {
        await database.sql.unsafe(sqlText);
      } finally {
        await database.close();
      }
    };
    await paused(`select public.pause_provider('active_jobs_db', now() + interval '1 hour',
                    'http_error', 'Active Jobs DB rejected the key (403)')`);
    const again = await jobs(["daily", "--run-once", "--at", at], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /has run already \(run \d+: succeeded\); add --force/);
    assert.match(
      again.stdout,
      /waiting: active_jobs_db is paused until \S+ — Active Jobs DB rejected the key \(403\)/,
    );
    assert.equal(fakes.jsearch.requests.length, calls, "no second refresh");
    await paused(`select public.resume_provider('active_jobs_db')`);

    const forced = await jobs(["daily", "--run-once", "--at", at, "--force"], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(
      forced.stdout,
      /Daily refresh \d{4}-\d\d-\d\d \(run \d+\): succeeded\n {2}combinations: 1 total, 1 refreshed/,
    );
    assert.match(
      forced.stdout,
      /\n {2}expired postings: failed \(plan_required, attempt 1\): /,
    );
    assert.equal(
      fakes.activeJobsDb.requests.filter((r) => r.path === "/active-ats-expired").length,
      1,
      "once per run, forced again or not",
    );
    const stats = await jobs(["stats"], env);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /Expired postings \(Active Jobs DB \/active-ats-expired.*\): on\n/);
    assert.match(
      stats.stdout,
      /\n {2}#\d+ \d{4}-\d\d-\d\d: failed \(plan_required, attempt 1\)/,
    );
  } finally {
    await fakes.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("cli: user add, cv upload through Storage, stats and feed — and their errors", async () => {
  const dataDir = await Deno.makeTempDir();
  const fakes = await startProviderFakes();
  const claude = await startFakeAnthropic();
  try {
    const env = {
      PGLITE_DATA_DIR: `${dataDir}/pglite`,
      RAPIDAPI_KEY: "test-key",
      JSEARCH_BASE_URL: fakes.jsearch.url,
      ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
      ANTHROPIC_API_KEY: "test-key",
      ANTHROPIC_BASE_URL: claude.url,
    };
    const badEmail = await jobs(["user", "add", "--email", "nobody"], env);
    assert.equal(badEmail.code, 2);
    assert.match(badEmail.stderr, /user add needs --email <address>/);
    const added = await jobs(["user", "add", "--email", "lena@example.com", "--json"], env);
    assert.equal(added.code, 0, added.stderr);
    const { id } = JSON.parse(added.stdout);
    const again = await jobs(["user", "add", "--email", "lena@example.com"], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, new RegExp(`exists already: ${id}`));

    const sample =
      new URL("../local/samples/senior-data-engineer-berlin.pdf", import.meta.url).pathname;
    const ghost = crypto.randomUUID();
    const noUser = await jobs(["cv", "upload", "--user", ghost, sample], env);
    assert.equal(noUser.code, 2);
    assert.match(noUser.stderr, new RegExp(`User ${ghost} does not exist`));
    const noFile = await jobs(["cv", "upload", "--user", id, "/nowhere/cv.pdf"], env);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /Cannot read \/nowhere\/cv.pdf/);

    const uploaded = await jobs(["cv", "upload", "--user", id, sample, "--json"], env);
    assert.equal(uploaded.code, 0, uploaded.stderr);
    const cv = JSON.parse(uploaded.stdout);
    assert.equal(cv.status, "parsed");
    assert.match(cv.path, new RegExp(`^cvs/${id}/senior-data-engineer-berlin.pdf$`));
    assert.ok(cv.queries.length >= 2);
    assert.equal(cv.backfill.state, "done");
    assert.ok(fakes.jsearch.requests.length > 0, "the backfill called the providers");

    const stats = await jobs(["stats", "--json"], env);
    assert.equal(stats.code, 0, stats.stderr);
    const s = JSON.parse(stats.stdout);
    assert.equal(s.tracking.backfilled, cv.queries.length);
    assert.ok(
      s.quota.some((q: { provider: string; credits: number }) =>
        q.provider === "jsearch" && q.credits > 0
      ),
    );
    assert.ok(
      s.runs.some((r: { kind: string; status: string }) =>
        r.kind === "backfill" && r.status === "succeeded"
      ),
    );
    // what Claude's reading cost, beside the credits: the fake's tokens at the default model's
    // price ($2 / $10 per million tokens, public.llm_prices)
    const [read] = claude.requests;
    assert.deepEqual(s.llmSpend, [{
      month: `${new Date().toISOString().slice(0, 7)}-01`,
      model: "claude-sonnet-5-5",
      parses: 1,
      inputTokens: read.inputTokens,
      outputTokens: read.outputTokens,
      costUsd: (read.inputTokens * 2 + read.outputTokens * 10) / 1e6,
      unpricedParses: 0,
    }]);
    assert.ok(s.skills.starterSkills > 200, "the vocabulary and the skills-sweep's latest pass");
    assert.ok(s.skills.lastPass);
    const text = await jobs(["stats"], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Skills: \d+ starter and \d+ from CVs .*; skills-sweep pass #\d+/m);
    assert.match(
      text.stdout,
      new RegExp(
        "\\((no budget|budget \\d+)\\), \\d+ jobs(;[^\n]*)?\n" +
          "LLM spend per month \\(Claude reading CVs, at public.llm_prices\\):\n" +
          `  \\d{4}-\\d\\d claude-sonnet-5-5: 1 parse, ${read.inputTokens} input and ` +
          `${read.outputTokens} output tokens, \\$0\\.\\d{4}\n`,
      ),
    );

    const feed = await jobs(["feed", "--user", id, "--limit", "3"], env);
    assert.equal(feed.code, 0, feed.stderr);
    // each job: score, title and place; its reason; what it also asks for, when anything
    const blocks = feed.stdout.trim().split(/\n(?=\s*\d+ {2})/);
    assert.equal(blocks.length, 3, feed.stdout);
    for (const block of blocks) {
      assert.match(
        block,
        /^ *\d+ {2}.+ — .+\(\d{4}-\d\d-\d\d\)\n {5}(matches|close to) [^\n]+(\n {5}asks for: \S[^\n]*)?$/,
      );
    }
    const noFeed = await jobs(["feed", "--user", ghost], env);
    assert.equal(noFeed.code, 2);
    assert.match(noFeed.stderr, /does not exist/);
    const badLimit = await jobs(["feed", "--user", id, "--limit", "0"], env);
    assert.equal(badLimit.code, 2);
  } finally {
    await fakes.close();
    await claude.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("cli: daily --schedule stores the time, fires a due date at once, and stops on Ctrl-C", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", cli, "daily", "--schedule", "00:00", "--tz", "Europe/Berlin"],
      env: { DATABASE_URL: "", PGLITE_DATA_DIR: `${dataDir}/pglite`, RAPIDAPI_KEY: "unused" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const chunks: string[] = [];
    const read = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) chunks.push(chunk);
    };
    const reading = Promise.all([read(child.stdout), read(child.stderr)]);
    const deadline = Date.now() + 60_000;
    while (!/next daily refresh at/.test(chunks.join("")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    child.kill("SIGINT");
    const status = await child.status;
    await reading;
    const output = chunks.join("");
    assert.match(output, /Refreshing every day at 00:00 Europe\/Berlin/);
    assert.match(output, /daily refresh due at /, "today's 00:00 has passed: it runs at once");
    assert.match(output, /Daily refresh \d{4}-\d\d-\d\d \(run \d+\): succeeded/);
    assert.match(
      output,
      /next daily refresh at \d{4}-\d\d-\d\dT2[23]:00:00.000Z/,
      "midnight in Berlin",
    );
    assert.equal(status.code, 0);
    const badZone = await jobs(["daily", "--schedule", "06:00", "--tz", "Mars/Base"], {
      PGLITE_DATA_DIR: `${dataDir}/pglite`,
    });
    assert.equal(badZone.code, 2);
    assert.match(badZone.stderr, /Unknown time zone "Mars\/Base"/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("cli: an embedded database another process holds is refused by name, not corrupted", async () => {
  const dataDir = await Deno.makeTempDir();
  const database = await openLocalDatabase(loadConfig({ PGLITE_DATA_DIR: `${dataDir}/pglite` }));
  try {
    const blocked = await jobs(["stats"], { PGLITE_DATA_DIR: `${dataDir}/pglite` });
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, new RegExp(`in use by process ${Deno.pid}`));
  } finally {
    await database.close();
  }
  const after = await jobs(["stats", "--json"], { PGLITE_DATA_DIR: `${dataDir}/pglite` });
  assert.equal(after.code, 0, after.stderr);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("cli: web export writes a deployable page for a project, without a database", async () => {
  const out = await Deno.makeTempDir();
  try {
    const missing = await jobs(["web", "export", "--url", "https://abcd.supabase.co"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /web export needs --out, --anon-key/);
    const badUrl = await jobs(["web", "export", "--out", out, "--url", "abcd", "--anon-key", "k"]);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /--url abcd is not a project URL/);

    // a database URL that cannot work proves none is opened
    const result = await jobs(
      [
        "web",
        "export",
        "--out",
        `${out}/site`,
        "--url",
        "https://abcd.supabase.co/",
        "--anon-key",
        "anon-123",
        "--json",
      ],
      { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    );
    assert.equal(result.code, 0, result.stderr);
    const { files } = JSON.parse(result.stdout);
    for (
      const file of [
        "index.html",
        "app.js",
        "js/session.js",
        "styles.css",
        "vendor/supabase.js",
        "config.js",
      ]
    ) {
      assert.ok(files.includes(file), file);
    }
    const config = await Deno.readTextFile(`${out}/site/config.js`);
    assert.match(config, /"supabaseUrl": "https:\/\/abcd\.supabase\.co"/);
    assert.match(config, /"anonKey": "anon-123"/);
    assert.match(config, /"signIn": "supabase"/);
    const vendor = await Deno.readTextFile(`${out}/site/vendor/supabase.js`);
    assert.match(vendor, /createClient/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
