import assert from "node:assert/strict";
import { supabaseCvStorage } from "../shared/cv/storage.ts";

Deno.test("CV files are downloaded with supabase-js from the Storage object endpoint", async () => {
  const seen: { path: string; auth: string | null; apikey: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push({
      path: url.pathname,
      auth: req.headers.get("authorization"),
      apikey: req.headers.get("apikey"),
    });
    if (url.pathname === "/storage/v1/object/cvs/u1/lebenslauf.pdf") {
      return new Response(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]), {
        headers: { "content-type": "application/pdf" },
      });
    }
    return Response.json({ statusCode: "404", error: "not_found", message: "Object not found" }, {
      status: 400,
    });
  });
  try {
    const storage = supabaseCvStorage(`http://127.0.0.1:${server.addr.port}`, "service-key");
    const bytes = await storage.download("cvs", "u1/lebenslauf.pdf");
    assert.deepEqual([...bytes], [0x25, 0x50, 0x44, 0x46, 0x2d]);
    assert.equal(seen[0].auth, "Bearer service-key");
    assert.equal(seen[0].apikey, "service-key");
    await assert.rejects(
      () => storage.download("cvs", "u1/missing.pdf"),
      /Object not found|404|400/,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("storage: a CV's object is removed through Storage's API as the caller", async () => {
  const { storageObjectRemover } = await import("../shared/cv/my_cvs.ts");
  const seen: { url: string; method: string; auth: string | null; apikey: string | null }[] = [];
  const answers = [
    new Response("{}", { status: 200 }),
    new Response(JSON.stringify({ statusCode: "404", error: "not_found" }), { status: 400 }),
    new Response(JSON.stringify({ statusCode: "403", error: "Unauthorized" }), { status: 400 }),
  ];
  const fetcher = ((input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      method: init?.method ?? "GET",
      auth: headers.get("authorization"),
      apikey: headers.get("apikey"),
    });
    return Promise.resolve(answers.shift()!);
  }) as typeof fetch;
  const remove = storageObjectRemover("https://p.supabase.co/", "user-token", "anon", fetcher);
  await remove("u1/my cv.pdf"); // removed
  await remove("u1/gone.pdf"); // already gone: not an error
  await assert.rejects(
    () => remove("u1/other.pdf"),
    /Storage refused to remove cvs\/u1\/other\.pdf: 400/,
  );
  assert.deepEqual(seen[0], {
    url: "https://p.supabase.co/storage/v1/object/cvs/u1/my%20cv.pdf",
    method: "DELETE",
    auth: "Bearer user-token",
    apikey: "anon",
  });
});
