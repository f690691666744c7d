import assert from "node:assert/strict";

const cli = new URL("../cli/main.ts", import.meta.url).pathname;

async function jobs(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", cli, ...args],
    env: { DATABASE_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

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
