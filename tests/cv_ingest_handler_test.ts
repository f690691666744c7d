import assert from "node:assert/strict";
import { createCvIngestHandler } from "../functions/cv-ingest/handler.ts";
import type { IngestOutcome } from "../shared/cv/ingest.ts";

const ID = "0b9f6c2e-8a51-4d3b-9a5e-1f0c2d3e4f5a";

function request(body: unknown, secret: string | null = "s3cret", method = "POST") {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-webhook-secret"] = secret;
  return new Request("http://x/functions/v1/cv-ingest", {
    method,
    headers,
    body: method === "POST" ? JSON.stringify(body) : undefined,
  });
}

const webhook = {
  type: "INSERT",
  schema: "storage",
  table: "objects",
  record: { bucket_id: "cvs", name: "u/cv.pdf", version: "v1", id: "x" },
  old_record: null,
  cv_document_id: ID,
};

function handler(options: { waitUntil?: (p: Promise<unknown>) => void; secret?: string } = {}) {
  const calls: string[] = [];
  const handle = createCvIngestHandler({
    secret: "secret" in options ? options.secret : "s3cret",
    waitUntil: options.waitUntil,
    log: () => {},
    ingest: (id) => {
      calls.push(id);
      return Promise.resolve({ status: "parsed", cvDocumentId: id, queries: 4 } as IngestOutcome);
    },
  });
  return { handle, calls };
}

Deno.test("cv-ingest: callers without the webhook secret get 401, and nothing runs", async () => {
  const { handle, calls } = handler();
  assert.equal((await handle(request(webhook, null))).status, 401);
  assert.equal((await handle(request(webhook, "wrong"))).status, 401);
  assert.equal((await handle(request(webhook, "s3cret", "GET"))).status, 405);
  const unset = handler({ secret: undefined });
  const response = await unset.handle(request(webhook));
  assert.equal(response.status, 500);
  assert.match((await response.json()).error, /FUNCTIONS_SECRET is not set/);
  assert.deepEqual([...calls, ...unset.calls], []);
});

Deno.test("cv-ingest: a bad payload is a 400 that names the field and the fix", async () => {
  const { handle, calls } = handler();
  const wrongBucket = await handle(request({
    ...webhook,
    record: { ...webhook.record, bucket_id: "avatars" },
  }));
  assert.equal(wrongBucket.status, 400);
  assert.match((await wrongBucket.json()).error, /record\.bucket_id must be "cvs"/);
  const noId = await handle(request({ cv_document_id: "abc" }));
  assert.match((await noId.json()).error, /cv_document_id must be the cv_documents id/);
  const notJson = await handle(
    new Request("http://x/", {
      method: "POST",
      headers: { "x-webhook-secret": "s3cret" },
      body: "{",
    }),
  );
  assert.equal(notJson.status, 400);
  assert.deepEqual(calls, []);
});

Deno.test("cv-ingest: answers at once and works in the background when it can", async () => {
  const background: Promise<unknown>[] = [];
  const { handle, calls } = handler({ waitUntil: (work) => background.push(work) });
  const response = await handle(request(webhook));
  assert.equal(response.status, 202);
  assert.deepEqual(await response.json(), { accepted: true, cv_document_id: ID });
  await Promise.all(background);
  assert.deepEqual(calls, [ID]);

  const direct = handler();
  const awaited = await direct.handle(request({ cv_document_id: ID }));
  assert.equal(awaited.status, 200);
  assert.deepEqual(await awaited.json(), { status: "parsed", cvDocumentId: ID, queries: 4 });
});
