import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { setFunctionSecrets, uploadLikeStorage } from "./support/storage.ts";

interface Queued {
  url: string;
  headers: Record<string, string>;
  body: {
    type: string;
    table: string;
    schema: string;
    cv_document_id: string;
    record: { name: string; version: string };
    old_record: { version: string } | null;
  };
}

async function queued(tx: TransactionSql): Promise<Queued[]> {
  const rows = await tx<{ url: string; headers: Record<string, string>; body: string }[]>`
    select url, headers, convert_from(body, 'UTF8') as body from net.http_request_queue
    order by id`;
  return rows.map((row) => ({ ...row, body: JSON.parse(row.body) }));
}

async function documents(tx: TransactionSql) {
  return await tx<
    { id: string; user_id: string; file_name: string; size_bytes: number; status: string }[]
  >`select id, user_id, file_name, size_bytes::int as size_bytes, status
    from public.cv_documents order by created_at, id`;
}

Deno.test(
  "an upload records one cv_documents row and queues one cv-ingest call",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from net.http_request_queue`;
      await setFunctionSecrets(tx);
      const user = await createUser(tx, "ana@example.com");
      const object = await uploadLikeStorage(tx, { userId: user, name: `${user}/lebenslauf.pdf` });

      const [doc, ...others] = await documents(tx);
      assert.equal(others.length, 0, "the rolled-back permission insert left nothing");
      assert.deepEqual({ ...doc, id: undefined }, {
        id: undefined,
        user_id: user,
        file_name: "lebenslauf.pdf",
        size_bytes: 48_213,
        status: "uploaded",
      });
      const calls = await queued(tx);
      assert.equal(calls.length, 1);
      assert.equal(calls[0].url, "http://127.0.0.1:54321/functions/v1/cv-ingest");
      assert.equal(calls[0].headers["x-webhook-secret"], "test-functions-secret");
      assert.equal(calls[0].body.type, "INSERT");
      assert.equal(calls[0].body.schema, "storage");
      assert.equal(calls[0].body.table, "objects");
      assert.equal(calls[0].body.cv_document_id, doc.id);
      assert.equal(calls[0].body.record.version, object.version);
      assert.equal(calls[0].body.old_record, null);
      // the migration holds no URL or key: they came from Vault at fire time
      const [{ source }] = await tx<{ source: string }[]>`
      select string_agg(prosrc, ' ') as source from pg_proc
      where proname in ('handle_cv_object', 'invoke_edge_function')`;
      assert.doesNotMatch(source, /127\.0\.0\.1|test-functions-secret|supabase\.co/);
    });
  },
);

Deno.test(
  "a re-upload to the same path is a new CV; a metadata change is not",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from net.http_request_queue`;
      await setFunctionSecrets(tx);
      const user = await createUser(tx, "ben@example.com");
      const name = `${user}/cv.pdf`;
      await uploadLikeStorage(tx, { userId: user, name });
      const second = await uploadLikeStorage(tx, { userId: user, name });
      await tx`update storage.objects set user_metadata = '{"note": "x"}' where name = ${name}`;
      assert.equal((await documents(tx)).length, 2);
      const calls = await queued(tx);
      assert.equal(calls.length, 2);
      assert.equal(calls[1].body.type, "UPDATE");
      assert.equal(calls[1].body.record.version, second.version);
      assert.notEqual(calls[1].body.old_record?.version, second.version);
      // the same version delivered twice (a retried Storage request) is still one row
      await uploadLikeStorage(tx, { userId: user, name, version: second.version });
      assert.equal((await documents(tx)).length, 2);
    });
  },
);

Deno.test("the trigger never fails an upload", dbTest, async () => {
  await withRollback(async (tx) => {
    await tx`delete from net.http_request_queue`;
    const user = await createUser(tx, "cem@example.com");
    // no Vault secrets: the CV is recorded, the call is not queued (the sweep will send it)
    await tx`delete from vault.secrets where name in ('project_url', 'functions_secret')`;
    await uploadLikeStorage(tx, { userId: user, name: `${user}/a.pdf` });
    assert.equal((await documents(tx)).length, 1);
    assert.equal((await queued(tx)).length, 0);
    // an object in nobody's folder, uploaded with a service key: stored, not recorded
    await tx`insert into storage.objects (bucket_id, name, version) values ('cvs', 'shared/x.pdf', '1')`;
    assert.equal((await documents(tx)).length, 1);
    // cv_documents refusing the row: the upload still succeeds
    await setFunctionSecrets(tx);
    await tx`alter table public.cv_documents add constraint refuse check (false) not valid`;
    const object = await uploadLikeStorage(tx, { userId: user, name: `${user}/b.pdf` });
    assert.ok(object.id);
    assert.equal((await queued(tx)).length, 0);
  });
});

Deno.test("the sweep records missed uploads and re-sends stalled CVs", dbTest, async () => {
  await withRollback(async (tx) => {
    await tx`delete from net.http_request_queue`;
    await setFunctionSecrets(tx);
    const user = await createUser(tx, "dora@example.com");
    // a webhook that was lost: the CV sits in 'uploaded'
    await uploadLikeStorage(tx, { userId: user, name: `${user}/lost.pdf` });
    // an upload the trigger could not record (simulated: its row removed)
    await uploadLikeStorage(tx, { userId: user, name: `${user}/unrecorded.pdf` });
    await tx`delete from public.cv_documents where file_name = 'unrecorded.pdf'`;
    // a parse whose function died
    await uploadLikeStorage(tx, { userId: user, name: `${user}/crashed.pdf` });
    await tx`select public.begin_cv_parse(id) from public.cv_documents
             where file_name = 'crashed.pdf'`;
    // a CV parsing right now, not stale
    await uploadLikeStorage(tx, { userId: user, name: `${user}/busy.pdf` });
    await tx`select public.begin_cv_parse(id) from public.cv_documents where file_name = 'busy.pdf'`;
    // make everything old enough, except the busy parse
    await tx`update storage.objects set created_at = now() - interval '1 hour'`;
    await tx`update public.cv_documents set created_at = now() - interval '1 hour'
             where status = 'uploaded'`;
    await tx`update public.cv_documents set parsing_started_at = now() - interval '1 hour'
             where file_name = 'crashed.pdf'`;
    await tx`delete from net.http_request_queue`;

    const [{ resent }] = await tx<{ resent: number }[]>`
      select private.resend_stalled_cv_ingests() as resent`;
    assert.equal(resent, 3, "lost, unrecorded (now recorded) and crashed; not busy");
    const sent = (await queued(tx)).map((call) => call.body.cv_document_id);
    const [busy] = await tx<{ id: string }[]>`
      select id from public.cv_documents where file_name = 'busy.pdf'`;
    assert.ok(!sent.includes(busy.id));
    assert.equal(
      (await documents(tx)).filter((d) => d.file_name === "unrecorded.pdf").length,
      1,
    );
    // right away again: each waits its doubled backoff, nothing is re-sent
    const [{ again }] = await tx<{ again: number }[]>`
      select private.resend_stalled_cv_ingests() as again`;
    assert.equal(again, 0);
    // after many sends a CV is left alone (at most 8)
    await tx`update public.cv_documents set sends = 8, last_sent_at = null`;
    const [{ capped }] = await tx<{ capped: number }[]>`
      select private.resend_stalled_cv_ingests() as capped`;
    assert.equal(capped, 0);
  });
});
