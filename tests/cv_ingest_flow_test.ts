/**
 * CV ingestion end to end: an upload the way Storage does it, the webhook queued by the trigger,
 * delivered over HTTP to the cv-ingest handler, Claude (the local fake, through the real SDK),
 * and what lands in the database. Then every bad input, redelivery and retry.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { createCvIngestHandler } from "../functions/cv-ingest/handler.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../local/fakes/anthropic.ts";
import { deliverQueuedRequests } from "../local/net_worker.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { type CvStorage, ingestCv } from "../shared/cv/ingest.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { setFunctionSecrets, uploadLikeStorage } from "./support/storage.ts";

const SECRET = "flow-secret";
const samples = new URL("../local/samples/", import.meta.url);

function sample(name: string): Promise<Uint8Array> {
  return Deno.readFile(new URL(name, samples));
}

/** The function, served on a free port, over an in-memory Storage and the fake Claude. */
async function startFunction(tx: TransactionSql, claudeUrl: string, maxBytes = 10 * 1024 ** 2) {
  const files = new Map<string, Uint8Array>();
  const storage: CvStorage = {
    download(bucket, path) {
      const bytes = files.get(`${bucket}/${path}`);
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error("Object not found"));
    },
  };
  const claude = new Anthropic({ baseURL: claudeUrl, apiKey: "test-key", maxRetries: 0 });
  const handler = createCvIngestHandler({
    secret: SECRET,
    log: () => {},
    ingest: (id) =>
      ingestCv({
        sql: tx,
        storage,
        claude,
        model: "claude-sonnet-5-5",
        maxPages: 10,
        maxBytes,
      }, id),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  await setFunctionSecrets(tx, `http://127.0.0.1:${server.addr.port}`, SECRET);
  return { files, close: () => server.shutdown() };
}

interface Upload {
  user: string;
  fileName: string;
}

async function upload(
  tx: TransactionSql,
  files: Map<string, Uint8Array>,
  user: string,
  fileName: string,
  bytes: Uint8Array,
): Promise<Upload> {
  files.set(`cvs/${user}/${fileName}`, bytes);
  await uploadLikeStorage(tx, { userId: user, name: `${user}/${fileName}`, size: bytes.length });
  return { user, fileName };
}

async function cvRow(tx: TransactionSql, { user, fileName }: Upload) {
  const [row] = await tx<
    {
      id: string;
      status: string;
      error: string | null;
      model: string | null;
      input_tokens: number | null;
    }[]
  >`select id, status, error, model, input_tokens from public.cv_documents
    where user_id = ${user} and file_name = ${fileName} order by created_at desc limit 1`;
  return row;
}

async function queries(tx: TransactionSql, user: string) {
  return await tx<
    {
      title_keyword: string;
      location: string;
      ai_seniority: string | null;
      ai_work_arrangement: string | null;
      ai_employment_type: string | null;
    }[]
  >`select title_keyword, location, ai_seniority, ai_work_arrangement, ai_employment_type
    from public.user_search_queries where user_id = ${user} and is_active
    order by title_keyword, location`;
}

async function withFlow(
  fn: (tx: TransactionSql, fake: FakeAnthropic, files: Map<string, Uint8Array>) => Promise<void>,
  maxBytes?: number,
) {
  const fake = await startFakeAnthropic();
  try {
    await withRollback(async (tx) => {
      await tx`delete from net.http_request_queue`;
      const fn_ = await startFunction(tx, fake.url, maxBytes);
      try {
        await fn(tx, fake, fn_.files);
      } finally {
        await fn_.close();
      }
    });
  } finally {
    await fake.close();
  }
}

Deno.test(
  "upload → webhook → cv-ingest over HTTP → Claude → normalised queries",
  dbTest,
  async () => {
    await withFlow(async (tx, fake, files) => {
      const user = await createUser(tx, "lena@example.com");
      const cv = await upload(
        tx,
        files,
        user,
        "lebenslauf.pdf",
        await sample(
          "senior-data-engineer-berlin.pdf",
        ),
      );
      const [queued] = await tx<{ url: string }[]>`select url from net.http_request_queue`;
      assert.match(queued.url, /\/functions\/v1\/cv-ingest$/, "the webhook is queued");

      const [delivery] = await deliverQueuedRequests(tx);
      assert.equal(delivery.status, 200, "the function answered over HTTP");

      const row = await cvRow(tx, cv);
      assert.equal(row.status, "parsed", row.error ?? "");
      assert.equal(row.model, "claude-sonnet-5-5");
      assert.ok((row.input_tokens ?? 0) > 0);
      const found = await queries(tx, user);
      assert.ok(found.length >= 2, JSON.stringify(found));
      assert.ok(found.some((q) => q.title_keyword === "data engineer" && q.location === "berlin"));
      for (const q of found) {
        assert.equal(q.title_keyword, q.title_keyword.toLowerCase().trim());
        assert.doesNotMatch(q.title_keyword, /\bsenior\b|\bsr\b|\(m\/w\/d\)/);
      }
      const requests = await tx`select state from public.backfill_requests where user_id = ${user}`;
      assert.deepEqual(requests.map((r) => r.state), ["pending"], "the backfill is handed over");

      // Claude saw a PDF document and was asked for structured output
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].hasOutputFormat, true);
      assert.equal(fake.requests[0].authScheme, "bearer");

      // a redelivered webhook for the same object version parses nothing again
      const response = await fetch(queued.url, {
        method: "POST",
        headers: { "x-webhook-secret": SECRET, "content-type": "application/json" },
        body: JSON.stringify({ cv_document_id: row.id }),
      });
      assert.equal((await response.json()).status, "skipped");
      assert.equal(fake.requests.length, 1, "one parse for one upload");
    });
  },
);

Deno.test("two CVs with overlapping searches share combinations", dbTest, async () => {
  await withFlow(async (tx, _fake, files) => {
    const lena = await createUser(tx, "lena2@example.com");
    const jonas = await createUser(tx, "jonas@example.com");
    await upload(tx, files, lena, "cv.pdf", await sample("senior-data-engineer-berlin.pdf"));
    await upload(tx, files, jonas, "cv.pdf", await sample("data-engineer-hamburg-berlin.pdf"));
    await deliverQueuedRequests(tx);
    const [{ shared }] = await tx<{ shared: number }[]>`
      select count(*)::int as shared from (
        select combination_key from public.user_search_queries where is_active
          and user_id = ${lena}
        intersect
        select combination_key from public.user_search_queries where is_active
          and user_id = ${jonas}) s`;
    assert.ok(shared >= 1, "at least one combination is the same for both");
  });
});

Deno.test(
  "every bad input fails with a reason, keeps the file and writes no queries",
  dbTest,
  async () => {
    await withFlow(async (tx, fake, files) => {
      const user = await createUser(tx, "bad@example.com");
      const cases: [string, Uint8Array, RegExp][] = [
        ["not-a-pdf.pdf", await sample("not-a-pdf.pdf"), /is not a PDF/],
        ["empty.pdf", new Uint8Array(), /the file is empty/],
        ["encrypted.pdf", await sample("encrypted.pdf"), /encrypted or password-protected/],
        ["image-only.pdf", await sample("image-only.pdf"), /does not look like a CV/],
        ["invoice.pdf", await sample("not-a-cv.pdf"), /does not look like a CV/],
      ];
      for (const [name, bytes, reason] of cases) {
        const cv = await upload(tx, files, user, name, bytes);
        await deliverQueuedRequests(tx);
        const row = await cvRow(tx, cv);
        assert.equal(row.status, "failed", name);
        assert.match(row.error ?? "", reason, name);
        assert.match(row.error ?? "", new RegExp(name.replace(".", "\\.")), "names the file");
      }
      // Claude's output that does not match the schema; Claude overloaded and rate-limited
      const faults: [string, () => void, RegExp][] = [
        [
          "shape.pdf",
          () => fake.inject({ kind: "invalid_output" }),
          /did not have the expected shape/,
        ],
        ["busy.pdf", () => fake.inject({ kind: "status", status: 529 }), /is overloaded right now/],
        [
          "limited.pdf",
          () => fake.inject({ kind: "status", status: 429, retryAfter: 0 }),
          /is rate-limited/,
        ],
      ];
      for (const [name, inject, reason] of faults) {
        inject();
        const cv = await upload(tx, files, user, name, await sample("product-manager-munich.pdf"));
        await deliverQueuedRequests(tx);
        const row = await cvRow(tx, cv);
        // Claude trouble is not the file's fault: back in line with the reason, for the sweep
        assert.equal(row.status, "uploaded", name);
        assert.match(row.error ?? "", reason, name);
        assert.match(row.error ?? "", /is kept and will be read again|expected shape/, name);
      }
      assert.equal((await queries(tx, user)).length, 0, "no partial queries");
      const [{ kept }] = await tx<{ kept: number }[]>`
      select count(*)::int as kept from storage.objects where owner_id = ${user}`;
      assert.equal(kept, cases.length + faults.length, "every file is kept");

      // a failed CV can be retried, and then succeeds
      const encrypted = await cvRow(tx, { user, fileName: "encrypted.pdf" });
      assert.equal(encrypted.status, "failed");
      await tx`select public.retry_cv_parse(${encrypted.id})`;
      assert.equal((await cvRow(tx, { user, fileName: "encrypted.pdf" })).status, "uploaded");
      // and one Claude could not read is read on the next call
      const busy = await cvRow(tx, { user, fileName: "busy.pdf" });
      const outcome = await (await fetch(
        (await tx<{ decrypted_secret: string }[]>`
        select decrypted_secret from vault.decrypted_secrets where name = 'project_url'`)[0]
          .decrypted_secret + "/functions/v1/cv-ingest",
        {
          method: "POST",
          headers: { "x-webhook-secret": SECRET },
          body: JSON.stringify({ cv_document_id: busy.id }),
        },
      )).json();
      assert.equal(outcome.status, "parsed");
      assert.ok((await queries(tx, user)).length > 0);
    });
  },
);

Deno.test("a too-large CV fails; a long CV is cut, not refused", dbTest, async () => {
  await withFlow(async (tx, _fake, files) => {
    const user = await createUser(tx, "size@example.com");
    const large = await upload(
      tx,
      files,
      user,
      "large.pdf",
      // the 12-page sample, padded past the limit of 100,000 bytes
      Uint8Array.from([...await sample("long-cv.pdf"), ...new Uint8Array(100_000)]),
    );
    await deliverQueuedRequests(tx);
    const row = await cvRow(tx, large);
    assert.equal(row.status, "failed");
    assert.match(row.error ?? "", /more than the 0\.1 MB allowed/);
  }, 100_000);
  await withFlow(async (tx, fake, files) => {
    const user = await createUser(tx, "long@example.com");
    const long = await upload(tx, files, user, "long.pdf", await sample("long-cv.pdf"));
    await deliverQueuedRequests(tx);
    assert.equal((await cvRow(tx, long)).status, "parsed");
    assert.deepEqual(fake.requests.at(-1)?.documentPages, [10], "only the first 10 pages sent");
  });
});

Deno.test("a CV whose webhook was lost is parsed after the sweep", dbTest, async () => {
  await withFlow(async (tx, _fake, files) => {
    const user = await createUser(tx, "lost@example.com");
    const cv = await upload(tx, files, user, "cv.pdf", await sample("product-manager-munich.pdf"));
    await tx`delete from net.http_request_queue`; // pg_net lost it (its queue is unlogged)
    await tx`update public.cv_documents set created_at = now() - interval '1 hour'`;
    const [{ resent }] = await tx<{ resent: number }[]>`
      select private.resend_stalled_cv_ingests() as resent`;
    assert.equal(resent, 1);
    await deliverQueuedRequests(tx);
    assert.equal((await cvRow(tx, cv)).status, "parsed");
    assert.ok((await queries(tx, user)).length > 0);
  });
});

Deno.test("a parse never reads a newer upload's bytes for an older version", dbTest, async () => {
  await withFlow(async (tx, fake, files) => {
    const user = await createUser(tx, "v2@example.com");
    const first = await upload(
      tx,
      files,
      user,
      "cv.pdf",
      await sample("product-manager-munich.pdf"),
    );
    const [v1] = await tx<{ id: string }[]>`
      select id from public.cv_documents where user_id = ${user}`;
    await tx`delete from net.http_request_queue`; // v1's webhook is late
    await upload(tx, files, user, "cv.pdf", await sample("senior-data-engineer-berlin.pdf"));
    await deliverQueuedRequests(tx); // v2 is parsed
    const late = await (await fetch(
      (await tx<{ url: string }[]>`
        select decrypted_secret as url from vault.decrypted_secrets where name = 'project_url'`)[0]
        .url + "/functions/v1/cv-ingest",
      {
        method: "POST",
        headers: { "x-webhook-secret": SECRET },
        body: JSON.stringify({ cv_document_id: v1.id }),
      },
    )).json();
    assert.equal(late.status, "failed");
    assert.match(late.error, /was replaced or deleted before it was read/);
    assert.equal(fake.requests.length, 1, "Claude read v2 only");
    assert.equal((await cvRow(tx, first)).status, "parsed", "the newest row is v2's, parsed");
  });
});
