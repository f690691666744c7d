/**
 * The local Supabase platform stand-in behaves like the real services the migrations rely on.
 */
import assert from "node:assert/strict";
import { dbTest, withRollback } from "./support/database.ts";
import { actAs, actAsOwner, createUser } from "./support/auth.ts";

Deno.test(
  "platform: auth.uid(), auth.role() and auth.jwt() read PostgREST's claims",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "a@example.com");
      await actAs(tx, { kind: "user", id: user });
      const [row] =
        await tx`select auth.uid() as uid, auth.role() as role, auth.jwt() ->> 'aud' as aud,
      current_user as db_role`;
      assert.deepEqual({ ...row }, {
        uid: user,
        role: "authenticated",
        aud: "authenticated",
        db_role: "authenticated",
      });
      await actAs(tx, { kind: "anon" });
      const [anon] = await tx`select auth.uid() as uid, auth.role() as role`;
      assert.deepEqual({ ...anon }, { uid: null, role: "anon" });
    });
  },
);

Deno.test(
  "platform: net.http_post queues a request that only exists after commit",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const [{ id }] = await tx`select net.http_post(
      url := 'http://127.0.0.1:54321/functions/v1/health',
      body := '{"hello": "world"}'::jsonb,
      params := '{"a b": "c&d"}'::jsonb,
      headers := '{"Content-Type": "application/json", "apikey": "k"}'::jsonb,
      timeout_milliseconds := 2500) as id`;
      const [queued] = await tx`
      select method, url, headers, convert_from(body, 'UTF8')::jsonb as body, timeout_milliseconds
      from net.http_request_queue where id = ${id}`;
      assert.equal(queued.method, "POST");
      assert.equal(queued.url, "http://127.0.0.1:54321/functions/v1/health?a%20b=c%26d");
      assert.deepEqual(queued.body, { hello: "world" });
      assert.equal(queued.headers.apikey, "k");
      assert.equal(queued.timeout_milliseconds, 2500);

      // A request queued in a rolled-back (sub)transaction is never sent.
      await tx.savepoint(async (sp) => {
        await sp`select net.http_post('http://example.test/x', '{}'::jsonb)`;
        await sp`select 1/0`.catch(() => {});
      }).catch(() => {});
      const [{ count }] =
        await tx`select count(*)::int as count from net.http_request_queue where url = 'http://example.test/x'`;
      assert.equal(count, 0);

      // Like pg_net: the default Content-Type is added, a different one is refused.
      const [{ id: plain }] = await tx`
      select net.http_post('http://example.test/y', '{}'::jsonb, headers := '{"x": "1"}'::jsonb) as id`;
      const [{ headers }] =
        await tx`select headers from net.http_request_queue where id = ${plain}`;
      assert.equal(headers["Content-Type"], "application/json");
      await assert.rejects(
        () =>
          tx.savepoint((sp) =>
            sp`select net.http_post('http://e.test', '{}'::jsonb, headers := '{"content-type": "text/plain"}'::jsonb)`
          ),
        /Content-Type header must be "application\/json"/,
      );
    });
  },
);

Deno.test(
  "platform: a database webhook posts Supabase's payload and logs the hook",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx.unsafe(`
      create table public.webhook_probe (id int primary key, note text);
      create trigger probe_hook after insert or update on public.webhook_probe for each row
        execute function supabase_functions.http_request(
          'http://127.0.0.1:54321/functions/v1/probe', 'POST',
          '{"Content-Type":"application/json"}', '{}', '1000');`);
      await tx`insert into public.webhook_probe values (1, 'first')`;
      await tx`update public.webhook_probe set note = 'second' where id = 1`;
      const rows = await tx`
      select convert_from(q.body, 'UTF8')::jsonb as body, h.hook_name, q.timeout_milliseconds
      from supabase_functions.hooks h join net.http_request_queue q on q.id = h.request_id
      order by h.id`;
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0].body, {
        type: "INSERT",
        table: "webhook_probe",
        schema: "public",
        record: { id: 1, note: "first" },
        old_record: null,
      });
      assert.equal(rows[1].body.type, "UPDATE");
      assert.deepEqual(rows[1].body.old_record, { id: 1, note: "first" });
      assert.equal(rows[0].hook_name, "probe_hook");
      assert.equal(rows[0].timeout_milliseconds, 1000);
    });
  },
);

Deno.test("platform: Vault keeps named secrets for the service role only", dbTest, async () => {
  await withRollback(async (tx) => {
    await tx`select vault.create_secret('http://127.0.0.1:54321', 'project_url_test', 'where functions live')`;
    const [row] =
      await tx`select decrypted_secret from vault.decrypted_secrets where name = 'project_url_test'`;
    assert.equal(row.decrypted_secret, "http://127.0.0.1:54321");
    await actAs(tx, { kind: "service_role" });
    const [asService] =
      await tx`select decrypted_secret from vault.decrypted_secrets where name = 'project_url_test'`;
    assert.equal(asService.decrypted_secret, "http://127.0.0.1:54321");
    await actAsOwner(tx);
    const user = await createUser(tx, "a@example.com");
    await actAs(tx, { kind: "user", id: user });
    await assert.rejects(
      () => tx.savepoint((sp) => sp`select * from vault.decrypted_secrets`),
      /permission denied/,
    );
  });
});

Deno.test(
  "platform: storage paths, folders, and the guard against direct deletes",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const [row] = await tx`select storage.foldername('u1/sub/cv.v2.pdf') as folders,
      storage.filename('u1/sub/cv.v2.pdf') as file, storage.extension('u1/sub/cv.v2.pdf') as ext`;
      assert.deepEqual({ ...row }, { folders: ["u1", "sub"], file: "cv.v2.pdf", ext: "pdf" });
      const user = await createUser(tx, "a@example.com");
      await tx`insert into storage.objects (bucket_id, name, owner_id, version) values ('cvs', ${`${user}/cv.pdf`}, ${user}, 'v1')`;
      const [obj] = await tx`select path_tokens from storage.objects where owner_id = ${user}`;
      assert.deepEqual(obj.path_tokens, [user, "cv.pdf"]);
      await assert.rejects(
        () => tx.savepoint((sp) => sp`delete from storage.objects where owner_id = ${user}`),
        /Direct deletion from storage tables is not allowed/,
      );
    });
  },
);

Deno.test(
  "platform: the cvs bucket is private, PDF-only and limited to 10 MiB",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const [bucket] =
        await tx`select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'cvs'`;
      assert.deepEqual({ ...bucket }, {
        public: false,
        file_size_limit: 10 * 1024 * 1024,
        allowed_mime_types: ["application/pdf"],
      });
    });
  },
);
