/**
 * `deno task start` in the background, used the way an app would: supabase-js uploads a CV to its
 * Storage endpoint with a user's token, and the queries, the backfill and the feed appear — the
 * trigger, pg_net's worker, cv-ingest, Claude (fake) and the backfill all in between. Runs on
 * real Postgres (test:pg): the test reads the database while the runner holds it.
 */
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { prepareLocalDatabase } from "../local/database.ts";
import { localKeys } from "../local/jwt.ts";
import { connectPostgres } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase } from "./support/database.ts";
import { type StartedProcess, startLocalProcess, until } from "./support/start_process.ts";

Deno.test({
  name: "start: supabase-js uploads a CV to the local Storage; queries, backfill and feed appear",
  ...dbTest,
  ignore: !onRealPostgres(),
  fn: async () => {
    const { url } = await testDatabase();
    const admin = connectPostgres(url, { max: 1 });
    const name = `start_${crypto.randomUUID().slice(0, 8)}`;
    await admin.unsafe(`create database ${name}`);
    const scratchUrl = url.replace(/\/([^/?]+)(\?|$)/, `/${name}$2`);
    const sql = connectPostgres(scratchUrl, { max: 2 });
    let runner: StartedProcess | undefined;
    try {
      await prepareLocalDatabase(sql);
      runner = await startLocalProcess({ DATABASE_URL: scratchUrl });
      const apiUrl = runner.url;
      const { anonKey } = await localKeys();
      // sign up through the local Auth, as an app does
      const client = createClient(apiUrl, anonKey, {
        auth: { persistSession: false, autoRefreshToken: false },
      });
      const signUp = await client.auth.signUp({ email: "ada@example.com", password: "s3cret-pw" });
      assert.equal(signUp.error, null, signUp.error?.message);
      const user = signUp.data.user!.id;
      const wrong = await client.auth.signInWithPassword({
        email: "ada@example.com",
        password: "nope-nope",
      });
      assert.match(wrong.error?.message ?? "", /Invalid login credentials/);
      const signIn = await client.auth.signInWithPassword({
        email: "ada@example.com",
        password: "s3cret-pw",
      });
      assert.equal(signIn.data.user?.id, user);
      const pdf = await Deno.readFile(
        new URL("../local/samples/senior-data-engineer-berlin.pdf", import.meta.url),
      );
      const blob = new Blob([pdf], { type: "application/pdf" });

      const refused = await client.storage.from("cvs").upload(
        `${crypto.randomUUID()}/cv.pdf`,
        blob,
      );
      assert.ok(refused.error, "another user's folder is refused by RLS");
      assert.match(refused.error.message, /row-level security/, JSON.stringify(refused.error));
      // Storage answers 400 with the real status in the body
      assert.equal((refused.error as unknown as { statusCode: string }).statusCode, "403");
      const notPdf = await client.storage.from("cvs").upload(
        `${user}/notes.txt`,
        new Blob(["hello"], { type: "text/plain" }),
      );
      assert.match(notPdf.error?.message ?? "", /mime type text\/plain is not supported/);

      const { data, error } = await client.storage.from("cvs").upload(`${user}/cv.pdf`, blob);
      assert.equal(error, null, error?.message);
      assert.equal(data?.fullPath, `cvs/${user}/cv.pdf`);

      const queries = await until("the queries", async () => {
        const rows = await sql`select title_keyword, location from public.user_search_queries
                               where user_id = ${user} and is_active`;
        return rows.length > 0 ? rows : undefined;
      });
      assert.ok(queries.length >= 2);
      await until("the backfill", async () => {
        const [row] = await sql`select state from public.backfill_requests where user_id = ${user}`;
        return row?.state === "done" ? true : undefined;
      });
      const [{ jobs }] = await sql`
        select count(distinct cj.job_id)::int as jobs
        from public.user_search_queries q
        join public.backfill_tracking bt on bt.combination_key = q.combination_key
        join public.combination_jobs cj on cj.combination_id = bt.id
        where q.user_id = ${user} and q.is_active`;
      assert.ok(jobs > 0, "the user's feed has jobs");
      // the file can be read back through Storage by its owner
      const download = await client.storage.from("cvs").download(`${user}/cv.pdf`);
      assert.equal(download.error, null);
      assert.equal((await download.data!.arrayBuffer()).byteLength, pdf.length);
    } finally {
      await runner?.stop();
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  },
});
