/** `deno task demo` end to end: it finishes, and user 2 costs fewer credits than user 1. */
import assert from "node:assert/strict";

Deno.test("demo: two users, their backfills share a search, the daily refresh runs", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("../local/demo.ts", import.meta.url).pathname],
    env: { DATABASE_URL: "", RAPIDAPI_KEY: "", ANTHROPIC_API_KEY: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, `${stdout}\n${new TextDecoder().decode(output.stderr)}`);
  const dedup = stdout.match(/Cross-user dedup: (\w+) cost (\d+) credits, (\w+) (\d+);/);
  assert.ok(dedup, stdout);
  const [, second, secondCredits, first, firstCredits] = dedup;
  assert.equal(first, "Lena");
  assert.equal(second, "Jonas");
  assert.ok(Number(secondCredits) < Number(firstCredits), dedup[0]);
  assert.match(
    stdout,
    /Jonas: CV parsed, \d+ queries; backfill done: \d+ combinations fetched, [1-9]\d* already backfilled/,
  );
  assert.match(stdout, /daily refresh: succeeded/);
  assert.match(
    stdout,
    /Jobs stored: \d+ from \d+ provider postings; [1-9]\d* found by both providers/,
  );
  assert.match(stdout, /Newest jobs for Lena:\n {2}\S/);
});
