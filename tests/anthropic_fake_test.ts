/**
 * The Claude fake answers the product's own call (`shared/cv/extract.ts`, through the real SDK)
 * as the Messages API does: recorded profiles for the sample CVs, a short reading of other CVs,
 * the API's checks and error bodies, scripted faults, usage and a request log. The samples are
 * current and their recorded profiles fit the product's schema.
 *
 * @module
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { PDFDocument, StandardFonts } from "pdf-lib";
import {
  type AnthropicFault,
  type FakeAnthropic,
  startFakeAnthropic,
} from "../local/fakes/anthropic.ts";
import { buildSampleFiles } from "../local/samples/generate.ts";
import profiles from "../local/samples/profiles.json" with { type: "json" };
import { CvParseError, extractProfile } from "../shared/cv/extract.ts";
import { checkCvPdf } from "../shared/cv/pdf_checks.ts";
import { cvProfileSchema } from "../shared/cv/profile.ts";

const SAMPLES = new URL("../local/samples/", import.meta.url);
const MODEL = "claude-sonnet-5-5";
const sample = (name: string) => Deno.readFile(new URL(name, SAMPLES));

async function withFake(run: (fake: FakeAnthropic, client: Anthropic) => Promise<void>) {
  const fake = await startFakeAnthropic();
  try {
    await run(fake, new Anthropic({ baseURL: fake.url, apiKey: "test-key", maxRetries: 0 }));
  } finally {
    await fake.close();
  }
}

/** The product's reading of `pdf`, or the message of its CvParseError. */
function read(client: Anthropic, pdf: Uint8Array, maxTokens?: number) {
  return extractProfile(pdf, "cv.pdf", { client, model: MODEL, maxTokens })
    .catch((error: CvParseError) => error.message);
}

/** A PDF with `lines` on its first page in Helvetica, compressed as pdf-lib saves it. */
async function pdfOf(lines: string[], pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 700 - i * 20, font }));
  while (doc.getPageCount() < pages) doc.addPage();
  return await doc.save();
}

Deno.test("samples: generate.ts is byte-stable, and each recording is of a current sample", async () => {
  const [first, second] = [await buildSampleFiles(), await buildSampleFiles()];
  for (const [name, bytes] of Object.entries(first)) {
    assert.deepEqual(second[name], bytes, `${name} differs between two runs`);
    assert.deepEqual(await sample(name), bytes, `local/samples/${name} is stale: run generate.ts`);
  }
  for (const [hash, { file, profile }] of Object.entries(profiles)) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await sample(file)));
    const actual = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(actual, hash, `${file} changed: record its profile again under the new hash`);
    cvProfileSchema.parse(profile);
  }
  assert.equal(Object.keys(profiles).length, 5, "the five sample CVs are recorded");
});

Deno.test("sample CVs: the recorded profile, with usage, through the product's call", async () => {
  await withFake(async (fake, client) => {
    for (const { file, profile } of Object.values(profiles)) {
      const read = await extractProfile(await sample(file), file, { client, model: MODEL });
      assert.deepEqual(read.profile, profile, file);
      assert.equal(read.model, MODEL);
      assert.ok(read.usage.input > 1_500 && read.usage.output > 50, JSON.stringify(read.usage));
    }
    for (const entry of fake.requests) {
      assert.equal(entry.status, 200);
      assert.equal(entry.answer, "recorded");
      assert.equal(entry.authScheme, "bearer", "SDK 1.14 sends the key as Authorization: Bearer");
      assert.equal(entry.anthropicVersion, "2026-10-21");
      assert.equal(entry.model, MODEL);
      assert.equal(entry.maxTokens, 4096);
      assert.equal(entry.hasOutputFormat, true);
      assert.deepEqual(entry.documentPages, [1]);
      assert.match(entry.requestId, /^req_[0-9A-Za-z]{24}$/);
    }
    assert.ok(!JSON.stringify(fake.requests).includes("test-key"), "the key is never logged");
  });
});

Deno.test("other PDFs: a known title and city are read; without a title, not a CV", async () => {
  await withFake(async (fake, client) => {
    // the product cuts the 12-page CV to 10 pages: new bytes, so no recording, read from its text
    const cut = (await checkCvPdf(await sample("long-cv.pdf"), "long-cv.pdf")).bytes;
    const cases: [Uint8Array, string][] = [
      [
        await pdfOf(["Max Müller", "Sr. Backend Developer", "Köln"]),
        "Sr. Backend Developer, 5-10, Cologne, Germany",
      ],
      [cut, "Senior Data Engineer, 5-10, Berlin, Germany"],
      [await sample("not-a-cv.pdf"), "does not look like a CV: none of the job titles"],
      [await sample("image-only.pdf"), "does not look like a CV: it has no text layer"],
      [await pdfOf(["Data Analyst"]), "location could be read from cv.pdf"],
    ];
    for (const [pdf, expected] of cases) {
      const result = await read(client, pdf);
      const [title] = typeof result === "string" ? [] : result.profile.job_titles;
      const got = typeof result === "string"
        ? result
        : `${title.title}, ${title.seniority}, ${result.profile.locations[0]?.place}`;
      assert.ok(got.includes(expected), got);
    }
    const answers = fake.requests.map((r) => r.answer).join();
    assert.equal(answers, "read,read,not_cv,not_cv,read");
    assert.ok(fake.requests[1].inputTokens >= 10 * 1_500, "1,500 input tokens a page");
  });
});

/** An error reply's status, headers and body. */
interface Reply {
  status: number;
  headers: Headers;
  body: { type: string; request_id: string; error: { type: string; message: string } };
}

/** POSTs `body`; a header given as "" is left out. */
async function post(fake: FakeAnthropic, body: unknown, headers = {}): Promise<Reply> {
  const all = { "x-api-key": "test-key", "anthropic-version": "2026-10-21", ...headers };
  const response = await fetch(`${fake.url}/v1/messages`, {
    method: "POST",
    headers: Object.entries(all).filter(([, value]) => value !== ""),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The request shared/cv/extract.ts sends, with `changes`. */
function request(pdf: Uint8Array, changes: Record<string, unknown> = {}) {
  const data = btoa(Array.from(pdf, (byte) => String.fromCharCode(byte)).join(""));
  const source = { type: "base64", media_type: "application/pdf", data };
  return {
    model: MODEL,
    max_tokens: 1024,
    messages: [{ role: "user", content: [{ type: "document", source }] }],
    output_config: { format: zodOutputFormat(cvProfileSchema) },
    ...changes,
  };
}

Deno.test("checks: key, version, fields, format and PDF, each in the API's error shape", async () => {
  await withFake(async (fake) => {
    const cv = request(await sample("junior-ux-designer-hamburg.pdf"));
    const { body: ok } = await post(fake, cv) as unknown as { body: Anthropic.Message };
    assert.ok(ok.content[0].type === "text");
    assert.equal(ok.usage.output_tokens, Math.ceil(ok.content[0].text.length / 4));
    assert.equal(fake.requests[0].authScheme, "x-api-key");
    const formatless = { output_config: { format: { type: "json_schema", schema: {} } } };
    const cases: [Promise<Reply>, number, RegExp][] = [
      [post(fake, cv, { "x-api-key": "" }), 401, /^authentication_error: x-api-key header is/],
      [post(fake, cv, { "x-api-key": "wrong" }), 401, /^authentication_error: invalid x-api-key$/],
      [
        post(fake, cv, { "anthropic-version": "" }),
        400,
        /: anthropic-version: header is required$/,
      ],
      [post(fake, "{not json"), 400, /: The request body is not valid JSON/],
      [post(fake, { ...cv, model: undefined }), 400, /: model: Field required$/],
      [post(fake, { ...cv, max_tokens: 0 }), 400, /: max_tokens: Too small/],
      [
        post(fake, { ...cv, ...formatless }),
        400,
        /: output_config.format.schema: the fake answers/,
      ],
      [post(fake, request(new Uint8Array([1]))), 400, /: The PDF specified was not valid\.$/],
      [post(fake, request(await sample("encrypted.pdf"))), 400, /: .* password protected or/],
      [post(fake, request(await pdfOf(["x"], 101))), 400, /: A maximum of 100 PDF pages/],
    ];
    for (const [reply, status, expected] of cases) {
      const { status: actual, body } = await reply;
      assert.equal(actual, status, JSON.stringify(body));
      assert.equal(body.type, "error");
      assert.match(body.request_id, /^req_[0-9A-Za-z]{24}$/);
      const type = status === 401 ? "authentication_error" : "invalid_request_error";
      assert.equal(body.error.type, type);
      assert.match(`${body.error.type}: ${body.error.message}`, expected);
    }
  });
});

Deno.test("faults: statuses, retry-after, a schema slip, a refusal and max_tokens", async () => {
  await withFake(async (fake, client) => {
    const pdf = await sample("product-manager-munich.pdf");
    const faults: [AnthropicFault | null, number | undefined, RegExp][] = [
      [{ kind: "status", status: 529 }, undefined, /Claude is overloaded right now/],
      [{ kind: "status", status: 500 }, undefined, /Claude answered 500 right now/],
      [{ kind: "status", status: 401 }, undefined, /CVs cannot be read at the moment/],
      [{ kind: "invalid_output" }, undefined, /did not have the expected shape/],
      [{ kind: "refusal" }, undefined, /Claude declined to read cv\.pdf/],
      [null, 20, /was cut off before it was complete/],
    ];
    for (const [fault, maxTokens, expected] of faults) {
      if (fault) fake.inject(fault);
      assert.match(await read(client, pdf, maxTokens) as string, expected);
    }
    assert.deepEqual(fake.requests.map((r) => [r.status, r.errorType, r.stopReason]), [
      [529, "overloaded_error", null],
      [500, "api_error", null],
      [401, "authentication_error", null],
      [200, null, "end_turn"],
      [200, null, "refusal"],
      [200, null, "max_tokens"],
    ]);
    fake.inject({ kind: "status", status: 429, retryAfter: 7 });
    const limited = await post(fake, request(pdf));
    assert.equal(limited.headers.get("retry-after"), "7");
    assert.equal(limited.body.error.type, "rate_limit_error");
    // the SDK waits out retry-after and asks again; two faults in a row outlast one retry
    const patient = new Anthropic({ baseURL: fake.url, apiKey: "test-key", maxRetries: 1 });
    fake.inject({ kind: "status", status: 429, retryAfter: 0 }, { times: 2 });
    assert.match(await read(patient, pdf) as string, /Claude is rate-limited right now/);
    fake.inject({ kind: "status", status: 429, retryAfter: 0 });
    assert.equal(typeof await read(patient, pdf), "object");
    assert.deepEqual(fake.requests.slice(-4).map((r) => r.status), [429, 429, 429, 200]);
  });
});
