/**
 * The `searches` and `cvs` functions the web page edits and watches with: a user sees and
 * changes only their own searches and CVs; labels are normalised the database's way; a duplicate
 * is a 409 that says what to do; a new search nobody has jobs for asks for a backfill (a user's
 * edit only: the pipeline asks for its own); removing keeps the row.
 */
import assert from "node:assert/strict";
import { createCvsHandler } from "../functions/cvs/handler.ts";
import { createSearchesHandler } from "../functions/searches/handler.ts";
import { userAccessToken } from "../local/jwt.ts";
import { verifyAccessToken } from "../shared/auth/verify_jwt.ts";
import { deleteCvAs, listCvsAs } from "../shared/cv/my_cvs.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";
import {
  addSearchAs,
  editSearchAs,
  listSearchesAs,
  removeSearchAs,
} from "../shared/searches/my_searches.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { removeLikeStorage, setFunctionSecrets, uploadLikeStorage } from "./support/storage.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const verify = (token: string) => verifyAccessToken(token, { secret: SECRET });

function caller(handler: (req: Request) => Promise<Response>, name: string, token: string) {
  return async (method: string, path = "", body?: unknown) => {
    const res = await handler(
      new Request(`http://x/functions/v1/${name}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: res.status, body: await res.json() };
  };
}

function searchesHandler(tx: TransactionSql) {
  return createSearchesHandler({
    verify,
    list: (user) => listSearchesAs(tx, user),
    add: (user, fields) => addSearchAs(tx, user, fields),
    edit: (user, id, patch) => editSearchAs(tx, user, id, patch),
    remove: (user, id) => removeSearchAs(tx, user, id),
  });
}

async function userRequests(tx: TransactionSql, userId: string) {
  const rows = await tx<{ requested_by: string }[]>`
    select requested_by from public.backfill_requests where user_id = ${userId} order by id`;
  return rows.map((r) => r.requested_by);
}

Deno.test(
  "searches: own rows only, normalised, duplicates refused, edits ask for a backfill",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const ana = await createUser(tx, "ana@example.com");
      const ben = await createUser(tx, "ben@example.com");
      const cv = await insertCv(tx, ana);
      // written by the pipeline (no user in the claims): it asks for its own backfill
      const fromCv = await insertQuery(tx, ana, {
        title_keyword: "data engineer",
        location: "berlin",
      }, cv);
      await insertQuery(tx, ben, { title_keyword: "nurse", location: "munich" });
      assert.deepEqual(await userRequests(tx, ana), [], "no request for the pipeline's own write");
      const backfilled = await markBackfilled(tx, {
        title_keyword: "data engineer",
        location: "berlin",
      });
      await insertJobFor(tx, backfilled, "Data Engineer");

      const handler = searchesHandler(tx);
      const asAna = caller(handler, "searches", await userAccessToken(ana, SECRET));
      const asBen = caller(handler, "searches", await userAccessToken(ben, SECRET));

      const listed = await asAna("GET");
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.searches.map((s: { id: number }) => s.id), [Number(fromCv)]);
      assert.equal(listed.body.searches[0].state, "backfilled");
      assert.equal(listed.body.searches[0].job_count, 1);
      assert.equal(listed.body.searches[0].cv_document_id, cv);
      assert.ok(listed.body.options.ai_work_arrangement.includes("Hybrid"));
      assert.deepEqual(
        (await asBen("GET")).body.searches.map((s: { title_keyword: string }) => s.title_keyword),
        ["nurse"],
        "Ben never sees Ana's searches",
      );

      const added = await asAna("POST", "", {
        title_keyword: "  Analytics   Engineer ",
        location: "Hamburg",
        ai_work_arrangement: "Hybrid",
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body.search.title_keyword, "analytics engineer");
      assert.equal(added.body.search.location, "hamburg");
      assert.equal(added.body.search.ai_seniority, null);
      assert.equal(added.body.search.state, "untracked");
      assert.deepEqual(await userRequests(tx, ana), ["user"], "her new search asks for its jobs");

      const again = await asAna("POST", "", {
        title_keyword: "analytics engineer",
        location: "HAMBURG",
        ai_work_arrangement: "Hybrid",
      });
      assert.equal(again.status, 409);
      assert.match(again.body.error, /already have the search "analytics engineer" in "hamburg"/);

      const invalid = await asAna("POST", "", { title_keyword: "x", ai_seniority: "senior" });
      assert.equal(invalid.status, 400);
      assert.match(
        invalid.body.error,
        /Job title must be 2 to 80 characters, e\.g\. Data Engineer/,
      );
      assert.match(invalid.body.error, /Location must be 2 to 80 characters/);
      assert.match(invalid.body.error, /Experience must be one of 0-2, 2-5, 5-10, 10\+/);
      // the field's key stays for programs
      assert.deepEqual(Object.keys(invalid.body.fields).sort(), [
        "ai_seniority",
        "location",
        "title_keyword",
      ]);
      assert.match(invalid.body.fields.title_keyword, /^Job title must be/);
      assert.equal(
        (await asAna("POST", "", { title_keyword: "qa", location: "x", user_id: ben })).status,
        400,
      );

      const id = added.body.search.id;
      assert.equal((await asBen("PATCH", `/${id}`, { location: "Munich" })).status, 404);
      assert.equal((await asBen("DELETE", `/${id}`)).status, 404);
      assert.equal((await asAna("PATCH", `/${id}`, {})).status, 400, "nothing to change");
      const edited = await asAna("PATCH", `/${id}`, {
        ai_work_arrangement: null,
        ai_seniority: "5-10",
      });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.search.ai_work_arrangement, null);
      assert.equal(edited.body.search.ai_seniority, "5-10");
      assert.equal(edited.body.search.location, "hamburg", "untouched fields stay");
      assert.deepEqual(await userRequests(tx, ana), ["user"], "the pending request is reused");

      // typed labels are cleaned like a CV's: the same search as "data engineer" in "munich"
      const typed = await asAna("POST", "", {
        title_keyword: "Sr. Data Engineer (m/w/d)",
        location: "München",
      });
      assert.equal(typed.status, 201, JSON.stringify(typed.body));
      assert.equal(typed.body.search.title_keyword, "data engineer");
      assert.equal(typed.body.search.location, "munich");

      const clash = await asAna("PATCH", `/${id}`, {
        title_keyword: "Data Engineer",
        location: "Berlin",
        ai_seniority: null,
      });
      assert.equal(clash.status, 409);

      const removed = await asAna("DELETE", `/${id}`);
      assert.deepEqual(removed, { status: 200, body: { id, removed: true } });
      assert.equal((await asAna("DELETE", `/${id}`)).status, 404, "already removed");
      assert.deepEqual((await asAna("GET")).body.searches.map((s: { id: number }) => s.id), [
        Number(fromCv),
        typed.body.search.id,
      ]);
      const [kept] = await tx`select is_active from public.user_search_queries where id = ${id}`;
      assert.equal(kept.is_active, false, "kept, inactive");
      assert.equal((await asAna("GET", "/abc")).status, 404);

      // a running request may have settled its combinations already: a new search gets its own
      await tx`update public.backfill_requests set state = 'running', claimed_by = 'w',
                 lease_expires_at = now() + interval '5 minutes' where user_id = ${ana}`;
      const later = await asAna("POST", "", {
        title_keyword: "data architect",
        location: "berlin",
      });
      assert.equal(later.status, 201);
      assert.deepEqual(await userRequests(tx, ana), ["user", "user"]);
      const [pending] = await tx`select count(*)::int as n from public.backfill_requests
                                 where user_id = ${ana} and state = 'pending'`;
      assert.equal(pending.n, 1);
    });
  },
);

Deno.test("searches: at most 20 active searches per user, said in words", dbTest, async () => {
  await withRollback(async (tx) => {
    const ana = await createUser(tx, "ana@example.com");
    for (let i = 0; i < 19; i++) {
      await insertQuery(tx, ana, { title_keyword: `role ${i}`, location: "berlin" });
    }
    const asAna = caller(searchesHandler(tx), "searches", await userAccessToken(ana, SECRET));
    const twentieth = await asAna("POST", "", { title_keyword: "role 19", location: "berlin" });
    assert.equal(twentieth.status, 201);
    const tooMany = await asAna("POST", "", { title_keyword: "role 20", location: "berlin" });
    assert.equal(tooMany.status, 409);
    assert.match(tooMany.body.error, /You have 20 active searches, the most allowed: remove one/);
    // reactivating counts too, and the pipeline is held to it as well
    const [removed] = await tx`select id from public.user_search_queries
                               where user_id = ${ana} and title_keyword = 'role 0'`;
    assert.equal((await asAna("DELETE", `/${removed.id}`)).status, 200);
    await insertQuery(tx, ana, { title_keyword: "role 21", location: "berlin" });
    await assert.rejects(
      () =>
        tx.savepoint((sp) =>
          sp`update public.user_search_queries set is_active = true, deactivated_at = null
             where id = ${removed.id}`
        ),
      /20 active searches/,
    );
  });
});

Deno.test(
  "cvs: a user's CVs and their status, newest first; never another user's",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const ana = await createUser(tx, "ana@example.com");
      const ben = await createUser(tx, "ben@example.com");
      const older = await insertCv(tx, ana, "old.pdf");
      await tx`update public.cv_documents set created_at = now() - interval '1 day' where id = ${older}`;
      const failed = await insertCv(tx, ana, "scan.pdf");
      await tx`update public.cv_documents set status = 'failed',
               error = 'Cannot parse CV scan.pdf: it has no text layer' where id = ${failed}`;
      const bens = await insertCv(tx, ben, "ben.pdf");
      const handler = createCvsHandler({
        verify,
        list: (user, opts) => listCvsAs(tx, user, opts),
        remove: () => Promise.reject(new Error("unused")),
      });
      const asAna = caller(handler, "cvs", await userAccessToken(ana, SECRET));

      const list = await asAna("GET");
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.cvs.map((c: { id: string }) => c.id), [failed, older]);
      assert.equal(list.body.cvs[0].status, "failed");
      assert.equal(list.body.cvs[0].error, "Cannot parse CV scan.pdf: it has no text layer");
      assert.equal(list.body.cvs[1].status, "uploaded");
      assert.equal((await asAna("GET", "?limit=1")).body.cvs.length, 1);
      assert.match(
        (await asAna("GET", "?limit=500")).body.error,
        /limit must be a number from 1 to 50/,
      );
      assert.equal((await asAna("GET", `/${older}`)).body.cv.file_name, "old.pdf");
      const bensCv = await asAna("GET", `/${bens}`);
      assert.equal(bensCv.status, 404, "Ben's CV does not exist for Ana");
      assert.equal((await asAna("POST")).status, 405);
      const anonymous = await handler(new Request("http://x/functions/v1/cvs"));
      assert.equal(anonymous.status, 401);
    });
  },
);

Deno.test(
  "searches: shown as typed (SRE, München) while the key stays normal; a stale label goes",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const ana = await createUser(tx, "ana@example.com");
      const cv = await insertCv(tx, ana);
      const fromCv = await insertQuery(tx, ana, {
        title_keyword: "data engineer",
        location: "berlin",
      }, cv);
      const asAna = caller(searchesHandler(tx), "searches", await userAccessToken(ana, SECRET));
      const labels = (
        s: Record<string, unknown>,
      ) => [s.title_keyword, s.location, s.title_label, s.location_label];

      const [taken] = (await asAna("GET")).body.searches;
      assert.equal(taken.id, Number(fromCv));
      assert.deepEqual(
        labels(taken),
        ["data engineer", "berlin", "Data Engineer", "Berlin"],
        "a CV's: the key title-cased",
      );

      const added = await asAna("POST", "", { title_keyword: "  SRE ", location: "München" });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.deepEqual(labels(added.body.search), ["sre", "munich", "SRE", "München"]);
      const id = added.body.search.id;

      const filterOnly = await asAna("PATCH", `/${id}`, { ai_work_arrangement: "Remote OK" });
      assert.deepEqual(labels(filterOnly.body.search), ["sre", "munich", "SRE", "München"]);
      const moved = await asAna("PATCH", `/${id}`, { location: "Frankfurt  am Main" });
      assert.deepEqual(labels(moved.body.search), [
        "sre",
        "frankfurt am main",
        "SRE",
        "Frankfurt am Main",
      ]);
      const retitled = await asAna("PATCH", `/${id}`, { title_keyword: "Sr. ML Engineer (m/w/d)" });
      assert.deepEqual(
        labels(retitled.body.search),
        ["ml engineer", "frankfurt am main", "Sr. ML Engineer (m/w/d)", "Frankfurt am Main"],
      );

      // a key changed without a label (the SQL editor): the old label would lie, so it goes
      await tx`update public.user_search_queries set title_keyword = 'data scientist'
               where id = ${id}`;
      const [row] = await tx`select title_label, location_label from public.user_search_queries
                             where id = ${id}`;
      assert.deepEqual({ ...row }, { title_label: null, location_label: "Frankfurt am Main" });
    });
  },
);

Deno.test("user functions: an unexpected failure is a JSON 500 with CORS, not a crash", async () => {
  const handler = createSearchesHandler({
    verify,
    list: () => Promise.reject(new Error("connection reset")),
    add: () => Promise.reject(new Error("unused")),
    edit: () => Promise.reject(new Error("unused")),
    remove: () => Promise.reject(new Error("unused")),
  });
  const token = await userAccessToken("00000000-0000-0000-0000-0000000000aa", SECRET);
  const error = console.error;
  const logged: string[] = [];
  console.error = (line: string) => logged.push(line);
  try {
    const res = await handler(
      new Request("http://x/functions/v1/searches", {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    assert.equal(res.status, 500);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    const message = (await res.json()).error;
    assert.match(message, /^Something went wrong on our side\. .* reference [0-9a-f]{8}\.$/);
    assert.doesNotMatch(message, /connection reset/, "the details stay in the log");
    const reference = /reference ([0-9a-f]{8})/.exec(message)![1];
    assert.match(logged.join("\n"), new RegExp(`\\[${reference}\\] GET .*connection reset`));
  } finally {
    console.error = error;
  }
});

Deno.test(
  "cvs: deleting a CV removes its file through Storage, stops its searches, and unlists it",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const ana = await createUser(tx, "ana@example.com");
      const ben = await createUser(tx, "ben@example.com");
      await setFunctionSecrets(tx);
      const path = `${ana}/lebenslauf.pdf`;
      await uploadLikeStorage(tx, { userId: ana, name: path });
      const [{ id: cv }] = await tx<{ id: string }[]>`
        select id from public.cv_documents where storage_path = ${path}`;
      const search = await insertQuery(tx, ana, { title_keyword: "nurse", location: "berlin" }, cv);
      const bens = await insertCv(tx, ben, "ben.pdf");
      const removed: string[] = [];
      const handler = createCvsHandler({
        verify,
        list: (user, opts) => listCvsAs(tx, user, opts),
        remove: (user, id) =>
          deleteCvAs(tx, user, id, async (objectPath, inner) => {
            removed.push(objectPath);
            await removeLikeStorage(inner, {
              actor: { kind: "user", id: user.sub },
              name: objectPath,
            });
          }),
      });
      const asAna = caller(handler, "cvs", await userAccessToken(ana, SECRET));

      assert.equal((await asAna("DELETE", `/${bens}`)).status, 404, "Ben's CV is not Ana's");
      assert.equal(
        (await tx`select 1 from public.cv_documents where id = ${bens}`).length,
        1,
        "Ben's CV stays",
      );
      const bad = await asAna("DELETE", "/not-an-id");
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /not-an-id is not a CV id/);
      const anonymous = await handler(
        new Request(`http://x/functions/v1/cvs/${cv}`, { method: "DELETE" }),
      );
      assert.equal(anonymous.status, 401);

      const deleted = await asAna("DELETE", `/${cv}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { deleted: cv, searches: 1 });
      assert.deepEqual(removed, [path]);
      assert.equal(
        (await tx`select 1 from storage.objects where bucket_id = 'cvs' and name = ${path}`)
          .length,
        0,
        "the file is gone",
      );
      const [row] = await tx<{ is_active: boolean; deactivated_at: Date | null }[]>`
        select is_active, deactivated_at from public.user_search_queries where id = ${search}`;
      assert.equal(row.is_active, false);
      assert.ok(row.deactivated_at);
      assert.deepEqual((await asAna("GET")).body.cvs, [], "the CV no longer lists");
      assert.equal((await asAna("DELETE", `/${cv}`)).status, 404, "deleted once");
    });
  },
);
