/**
 * `deno task demo` end to end: it finishes, user 2 costs fewer credits than user 1, and it ends
 * with the morning digest each user gets (sent to the Resend fake).
 */
import assert from "node:assert/strict";

Deno.test("demo: two users, their backfills share a search, the daily refresh, the digest", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("../local/demo.ts", import.meta.url).pathname],
    env: { DATABASE_URL: "", RAPIDAPI_KEY: "", ANTHROPIC_API_KEY: "", DIGEST_FROM: "" },
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
  // the digest, turned on for both: each gets an email (subject, then its text part)
  assert.match(stdout, /morning digest of \d{4}-\d{2}-\d{2}: 2 sent, 0 skipped, 0 failed/);
  for (const [name, address] of [["Lena", "lena"], ["Jonas", "jonas"]]) {
    assert.match(
      stdout,
      new RegExp(
        `Digest for ${name} <${address}@example\\.com>:\n {2}Subject: [1-5] new jobs? for you — ` +
          ".+\n {2}\\| Your best new jobs since your last digest:\n(?: {2}\\|.*\n)+",
      ),
      name,
    );
  }
  assert.match(stdout, / {2}\| All your jobs: http:\/\/127\.0\.0\.1:54321\//);
  assert.ok(stdout.indexOf("Digest for Jonas") < stdout.indexOf("Done in"), stdout);
});
