/**
 * The fake Anthropic Messages API behaves like the real one for the 1.x SDK
 * (docs.anthropic.com/en/api/messages): the real `@anthropic-ai/sdk` parses its structured output
 * with a zod schema, maps its errors to the 1.x classes and retries what it should; requests are
 * validated like the API does; output reflects each sample CV and is valid for any schema; the
 * sample PDFs are deterministic.
 *
 * @module
 */
import assert from "node:assert/strict";
import Anthropic, {
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PaymentRequiredError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { EncryptedPDFError, PDFDocument, StandardFonts } from "pdf-lib";
import { z } from "zod";
import {
  type FakeAnthropic,
  type FakeAnthropicOptions,
  startFakeAnthropic,
} from "../local/fakes/anthropic.ts";
import { inspectPdf } from "../local/fakes/anthropic_pdf.ts";
import type { JsonSchema } from "../local/fakes/anthropic_schema.ts";
import { sampleForPattern } from "../local/fakes/anthropic_schema_pattern.ts";
import { shapeFromSchema } from "../local/fakes/anthropic_schema_shape.ts";
import { validateJsonSchema } from "../local/fakes/anthropic_schema_validate.ts";
import { cvFactScope, cvShapeOptions } from "../local/fakes/cv_fact_scope.ts";
import { type CvFacts, readCvFacts } from "../local/fakes/cv_facts.ts";
import { buildCvPdf } from "../local/fakes/cv_pdf.ts";
import { SAMPLE_CVS } from "../local/fakes/cv_samples.ts";
import { TAXONOMIES } from "../local/fakes/cv_vocabulary.ts";
import { buildSampleFiles, sampleFileName } from "../local/samples/generate.ts";

const MODEL = "claude-sonnet-4-6";
const KEY = "test-key";
const SAMPLES = new URL("../local/samples/", import.meta.url);
const REFERENCE = new Date("2026-11-28T08:00:00Z");

/** The profile the CV ingestion asks for, in Active Jobs DB vocabularies. */
const CvProfile = z.object({
  is_cv: z.boolean(),
  reason: z.string().nullable().optional(),
  titles: z.array(z.object({
    title: z.string().min(1),
    seniority: z.enum(["junior", "mid", "senior", "lead"]),
  })).min(1).max(5),
  preferred_locations: z.array(z.string()).max(5),
  plausible_locations: z.array(z.string()).max(5).optional(),
  work_arrangement: z.array(z.enum(["On-site", "Hybrid", "Remote OK", "Remote Solely"])),
  employment_type: z.array(z.enum([
    "FULL_TIME",
    "PART_TIME",
    "CONTRACTOR",
    "TEMPORARY",
    "INTERN",
    "VOLUNTEER",
    "PER_DIEM",
    "OTHER",
  ])),
  experience_level: z.enum(["0-2", "2-5", "5-10", "10+"]),
  industry: z.enum(TAXONOMIES).nullable(),
  years_experience: z.int().min(0).max(60),
  summary: z.string().max(400),
});

type Profile = z.infer<typeof CvProfile>;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function client(fake: FakeAnthropic, options: { apiKey?: string; maxRetries?: number } = {}) {
  return new Anthropic({
    baseURL: fake.url,
    apiKey: options.apiKey ?? KEY,
    maxRetries: options.maxRetries ?? 0,
  });
}

function pdfMessage(data: string, text = "Extract the candidate profile from this CV.") {
  return [{
    role: "user" as const,
    content: [
      {
        type: "document" as const,
        source: { type: "base64" as const, media_type: "application/pdf" as const, data },
      },
      { type: "text" as const, text },
    ],
  }];
}

let hundredOnePages: Promise<Uint8Array> | undefined;

/** A 101-page CV, built once. */
function pdf101(): Promise<Uint8Array> {
  hundredOnePages ??= buildCvPdf(SAMPLE_CVS.junior_ux_designer_hamburg, { pages: 101 });
  return hundredOnePages;
}

async function samplePdf(name: string): Promise<string> {
  return toBase64(await Deno.readFile(new URL(name, SAMPLES)));
}

async function parseProfile(fake: FakeAnthropic, data: string, maxTokens = 2048) {
  return await client(fake).messages.parse({
    model: MODEL,
    max_tokens: maxTokens,
    messages: pdfMessage(data),
    output_config: { format: zodOutputFormat(CvProfile) },
  });
}

async function withFake(
  run: (fake: FakeAnthropic) => Promise<void>,
  options: FakeAnthropicOptions = {},
): Promise<void> {
  const fake = await startFakeAnthropic({ now: () => REFERENCE, ...options });
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

interface Raw {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

async function post(
  fake: FakeAnthropic,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Raw> {
  const response = await fetch(`${fake.url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": KEY,
      "anthropic-version": "2026-10-21",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

function assertInvalid(reply: Raw, message: RegExp | string): void {
  assert.equal(reply.status, 400, JSON.stringify(reply.body));
  assert.equal(reply.body.type, "error");
  assert.equal(reply.body.error.type, "invalid_request_error");
  if (typeof message === "string") assert.equal(reply.body.error.message, message);
  else assert.match(reply.body.error.message, message);
  assert.match(reply.body.request_id, /^req_[0-9A-Za-z]{24}$/);
}

Deno.test("samples: generate.ts is deterministic and the stored files are current", async () => {
  const first = await buildSampleFiles();
  const second = await buildSampleFiles();
  assert.ok(Object.keys(SAMPLE_CVS).length >= 4);
  for (const key of Object.keys(SAMPLE_CVS)) assert.ok(sampleFileName(key) in first);
  for (const [name, bytes] of Object.entries(first)) {
    assert.deepEqual(second[name], bytes, `${name} differs between two runs`);
    const onDisk = await Deno.readFile(new URL(name, SAMPLES));
    assert.deepEqual(onDisk, bytes, `local/samples/${name} is stale: run generate.ts`);
  }
  assert.equal(first["empty.pdf"].length, 0);
  assert.ok(!new TextDecoder().decode(first["not-a-pdf.pdf"]).startsWith("%PDF-"));
  const text = new TextDecoder("latin1").decode(first["senior-data-engineer-berlin.pdf"]);
  assert.ok(!text.includes("/FlateDecode"), "content streams are uncompressed");
  assert.ok(!text.includes("/ObjStm"), "no object streams");
  assert.match(text, /\/CreationDate \(D:20261102090000Z/);
});

Deno.test("samples: text reads back with umlauts; encrypted, long, 101-page PDFs", async () => {
  const pm = await inspectPdf(await Deno.readFile(new URL("product-manager-munich.pdf", SAMPLES)));
  assert.equal(pm.kind, "ok");
  const pmText = pm.kind === "ok" ? pm.pageTexts.join("\n") : "";
  for (const word of ["München", "Universität", "Französisch", "verhandlungssicher", "Bürotagen"]) {
    assert.ok(pmText.includes(word), `${word} missing from the extracted text`);
  }
  const deniz = await buildCvPdf(SAMPLE_CVS.backend_developer_cologne);
  const denizText = await inspectPdf(deniz);
  assert.ok(denizText.kind === "ok" && denizText.pageTexts[0].includes("Deniz Yilmaz"));

  const encrypted = await Deno.readFile(new URL("encrypted.pdf", SAMPLES));
  await assert.rejects(
    PDFDocument.load(encrypted),
    (error: Error) => error.message === new EncryptedPDFError().message,
  );
  const opened = await PDFDocument.load(encrypted, { ignoreEncryption: true });
  assert.equal(opened.isEncrypted, true);
  assert.equal((await inspectPdf(encrypted)).kind, "encrypted");

  const long = await PDFDocument.load(await Deno.readFile(new URL("long-cv.pdf", SAMPLES)));
  assert.equal(long.getPageCount(), 12);
  const hundredOne = await pdf101();
  assert.equal((await PDFDocument.load(hundredOne)).getPageCount(), 101);
  const inspected = await inspectPdf(hundredOne);
  assert.ok(inspected.kind === "ok" && inspected.pages === 101);
  await assert.rejects(buildCvPdf(SAMPLE_CVS.junior_ux_designer_hamburg, { pages: 0 }), RangeError);

  assert.equal((await inspectPdf(new Uint8Array())).kind, "invalid");
  const image = await inspectPdf(await Deno.readFile(new URL("image-only.pdf", SAMPLES)));
  assert.ok(image.kind === "ok" && image.pages === 2 && image.pageTexts.every((t) => t === ""));
});

Deno.test("pdf text: flate, object streams and pdf-lib page cuts read back", async () => {
  const long = await PDFDocument.load(await Deno.readFile(new URL("long-cv.pdf", SAMPLES)));
  const cut = await PDFDocument.create();
  for (const page of await cut.copyPages(long, [0, 1, 2])) cut.addPage(page);
  const cutBytes = await cut.save();
  assert.ok(new TextDecoder("latin1").decode(cutBytes).includes("/ObjStm"));
  const inspected = await inspectPdf(cutBytes);
  assert.ok(inspected.kind === "ok" && inspected.pages === 3);
  const facts = readCvFacts(inspected.pageTexts.join("\n"), { referenceDate: REFERENCE });
  assert.equal(facts.name, "Lena Vogt");
  assert.equal(facts.titles[0].title, "Senior Data Engineer");

  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  page.drawText("Max Müller", { x: 50, y: 750, font, size: 20 });
  page.drawText("Backend Developer | Köln", { x: 50, y: 720, font, size: 12 });
  page.drawText("Erste Zeile\nzweite Zeile", { x: 50, y: 690, font, size: 12, lineHeight: 14 });
  const bytes = await doc.save();
  assert.ok(new TextDecoder("latin1").decode(bytes).includes("/FlateDecode"));
  const read = await inspectPdf(bytes);
  assert.ok(read.kind === "ok");
  assert.equal(
    read.pageTexts[0],
    "Max Müller\nBackend Developer | Köln\nErste Zeile\nzweite Zeile",
  );
});

Deno.test("sdk: messages.parse with a zod output format reflects each sample CV", async () => {
  await withFake(async (fake) => {
    const profiles: Record<string, Profile> = {};
    for (const key of Object.keys(SAMPLE_CVS)) {
      const message = await parseProfile(fake, await samplePdf(sampleFileName(key)));
      assert.equal(message.stop_reason, "end_turn");
      assert.ok(message.parsed_output, `${key}: no parsed_output`);
      profiles[key] = CvProfile.parse(message.parsed_output);
      assert.equal(profiles[key].is_cv, true);
    }
    const lena = profiles.senior_data_engineer_berlin;
    assert.deepEqual(lena.titles.map((t) => t.title), [
      "Senior Data Engineer",
      "Data Engineer",
      "Analytics Engineer",
    ]);
    assert.ok(lena.titles.every((t) => t.seniority === "senior"));
    assert.deepEqual(lena.preferred_locations, ["Berlin, Germany"]);
    assert.deepEqual(lena.plausible_locations, ["Munich, Germany"]);
    assert.deepEqual(lena.work_arrangement, ["Hybrid", "Remote OK"]);
    assert.equal(lena.experience_level, "5-10");
    assert.equal(lena.years_experience, 9);
    assert.equal(lena.industry, "Technology");

    const jonas = profiles.data_engineer_hamburg_berlin;
    assert.deepEqual(jonas.titles, [{ title: "Data Engineer", seniority: "mid" }]);
    assert.deepEqual(jonas.preferred_locations, ["Hamburg, Germany", "Berlin, Germany"]);
    assert.equal(jonas.experience_level, "2-5");
    assert.deepEqual(jonas.employment_type, ["FULL_TIME"]);

    const sophie = profiles.product_manager_munich;
    assert.equal(sophie.titles[0].title, "Senior Product Manager");
    assert.deepEqual(sophie.preferred_locations, ["Munich, Germany"]);
    assert.deepEqual(sophie.work_arrangement, ["Hybrid"]);

    const mia = profiles.junior_ux_designer_hamburg;
    assert.deepEqual(mia.titles, [{ title: "Junior UX Designer", seniority: "junior" }]);
    assert.deepEqual(mia.employment_type, ["FULL_TIME", "PART_TIME"]);
    assert.equal(mia.experience_level, "0-2");
    assert.equal(mia.industry, "Creative & Media");

    const deniz = profiles.backend_developer_cologne;
    assert.equal(deniz.titles[0].title, "Sr. Backend Developer");
    assert.deepEqual(deniz.work_arrangement, ["Remote Solely"]);
    assert.deepEqual(deniz.employment_type, ["CONTRACTOR"]);
    assert.equal(deniz.experience_level, "10+");
    assert.deepEqual(deniz.preferred_locations, ["Cologne, Germany"]);

    // Searches overlap in part: "Data Engineer" in Berlin twice, Hamburg twice.
    const searches = Object.values(profiles).flatMap((p) =>
      p.titles.flatMap((t) => p.preferred_locations.map((l) => `${t.title} | ${l}`))
    );
    assert.equal(searches.filter((s) => s === "Data Engineer | Berlin, Germany").length, 2);
    assert.equal(searches.filter((s) => s.endsWith("Hamburg, Germany")).length, 2);

    assert.equal(fake.requests.length, 5);
    for (const entry of fake.requests) {
      assert.equal(entry.status, 200);
      assert.equal(entry.authScheme, "bearer", "SDK 1.14 sends Authorization: Bearer");
      assert.equal(entry.anthropicVersion, "2026-10-21");
      assert.equal(entry.model, MODEL);
      assert.equal(entry.maxTokens, 2048);
      assert.equal(entry.hasOutputFormat, true);
      assert.deepEqual(entry.documentPages, [1]);
      assert.ok(entry.documentBytes[0] > 5_000);
      assert.ok(entry.inputTokens > 1_500 && entry.outputTokens > 20);
    }
    const log = JSON.stringify(fake.requests);
    assert.ok(!log.includes(KEY), "the key is never logged");
    assert.ok(!log.includes("JVBERi0"), "PDF bytes are never logged");
  });
});

Deno.test("sdk: not-a-CV documents and the long CV", async () => {
  await withFake(async (fake) => {
    const image = await parseProfile(fake, await samplePdf("image-only.pdf"));
    assert.equal(image.parsed_output?.is_cv, false);
    assert.match(image.parsed_output?.reason ?? "", /no readable text/);
    const invoice = await parseProfile(fake, await samplePdf("not-a-cv.pdf"));
    assert.equal(invoice.parsed_output?.is_cv, false);
    assert.match(invoice.parsed_output?.reason ?? "", /does not look like a CV/);
    assert.deepEqual(invoice.parsed_output?.preferred_locations, []);

    const long = await parseProfile(fake, await samplePdf("long-cv.pdf"));
    assert.equal(long.parsed_output?.titles[0].title, "Senior Data Engineer");
    assert.deepEqual(fake.requests[2].documentPages, [12]);
    assert.ok(long.usage.input_tokens >= 12 * 1_500);
  });
});

Deno.test("response: §3.5 shape, request-id, rate-limit headers; x-api-key works", async () => {
  await withFake(async (fake) => {
    const data = await samplePdf("junior-ux-designer-hamburg.pdf");
    const format = zodOutputFormat(CvProfile);
    const reply = await post(fake, {
      model: MODEL,
      max_tokens: 1024,
      messages: pdfMessage(data),
      output_config: { format: { type: format.type, schema: format.schema } },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get("content-type"), "application/json");
    assert.match(reply.headers.get("request-id") ?? "", /^req_[0-9A-Za-z]{24}$/);
    for (const kind of ["requests", "input-tokens", "output-tokens", "tokens"]) {
      assert.match(reply.headers.get(`anthropic-ratelimit-${kind}-limit`) ?? "", /^\d+$/);
      assert.match(reply.headers.get(`anthropic-ratelimit-${kind}-remaining`) ?? "", /^\d+$/);
      assert.match(
        reply.headers.get(`anthropic-ratelimit-${kind}-reset`) ?? "",
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
      );
    }
    const message = reply.body;
    assert.deepEqual(Object.keys(message), [
      "id",
      "type",
      "role",
      "model",
      "content",
      "stop_reason",
      "stop_sequence",
      "stop_details",
      "container",
      "diagnostics",
      "usage",
    ]);
    assert.match(message.id, /^msg_01[0-9A-Za-z]{22}$/);
    assert.equal(message.type, "message");
    assert.equal(message.role, "assistant");
    assert.equal(message.model, MODEL);
    assert.equal(message.stop_reason, "end_turn");
    assert.equal(message.stop_sequence, null);
    assert.equal(message.stop_details, null);
    assert.equal(message.container, null);
    assert.equal(message.diagnostics, null);
    assert.equal(message.content.length, 1);
    assert.equal(message.content[0].type, "text");
    const output = JSON.parse(message.content[0].text);
    assert.deepEqual(validateJsonSchema(format.schema as JsonSchema, output), []);
    assert.deepEqual(message.usage, {
      input_tokens: message.usage.input_tokens,
      output_tokens: Math.ceil(message.content[0].text.length / 4),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      server_tool_use: null,
      service_tier: "standard",
      inference_geo: null,
      output_tokens_details: null,
      speed: null,
    });
    const prompt = "Extract the candidate profile from this CV.";
    assert.equal(
      message.usage.input_tokens,
      1_500 + Math.ceil((prompt.length + JSON.stringify(format.schema).length) / 4),
    );
    assert.equal(fake.requests[0].authScheme, "x-api-key");
    assert.equal(fake.requests[0].requestId, reply.headers.get("request-id"));

    const second = await post(fake, {
      model: MODEL,
      max_tokens: 1024,
      messages: pdfMessage(data),
      output_config: { format: { type: format.type, schema: format.schema } },
    });
    assert.deepEqual(second.body.content, message.content, "deterministic output");
    assert.equal(
      Number(second.headers.get("anthropic-ratelimit-requests-remaining")),
      Number(reply.headers.get("anthropic-ratelimit-requests-remaining")) - 1,
    );
  });
});

Deno.test("auth: wrong and missing keys get 401 in the real shape", async () => {
  await withFake(async (fake) => {
    const error = await client(fake, { apiKey: "wrong" }).messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.status, 401);
    assert.match(error.requestID ?? "", /^req_[0-9A-Za-z]{24}$/);
    assert.deepEqual(error.error, {
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
      request_id: error.requestID,
    });
    assert.equal(fake.requests[0].authScheme, "bearer");
    assert.equal(fake.requests[0].status, 401);

    const missing = await post(fake, { model: MODEL }, { "x-api-key": "" });
    assert.equal(missing.status, 401);
    assert.equal(missing.body.error.type, "authentication_error");
    const none = await fetch(`${fake.url}/v1/messages`, { method: "POST", body: "{}" });
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.message, "x-api-key header is required");
    assert.equal(fake.requests[2].authScheme, null);

    const bearer = await post(fake, {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    }, { "x-api-key": "", authorization: `Bearer ${KEY}` });
    assert.equal(bearer.status, 401, "x-api-key wins when both are sent");
    const noVersion = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(noVersion.status, 400);
    assert.equal((await noVersion.json()).error.message, "anthropic-version: header is required");
    assert.ok(!JSON.stringify(fake.requests).includes(KEY));
  });
});

Deno.test("faults: 529 OverloadedError, 402, 429 retried, x-should-retry", async () => {
  await withFake(async (fake) => {
    const params = {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "Hi" }],
    };
    fake.inject({ kind: "status", status: 529 });
    const overloaded = await client(fake).messages.create(params).catch((e: unknown) => e);
    assert.ok(overloaded instanceof OverloadedError, String(overloaded));
    assert.ok(overloaded instanceof InternalServerError);
    assert.deepEqual(overloaded.error, {
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
      request_id: overloaded.requestID,
    });
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].fault, "status");

    fake.inject({ kind: "status", status: 402 });
    const billing = await client(fake).messages.create(params).catch((e: unknown) => e);
    assert.ok(billing instanceof PaymentRequiredError);
    assert.equal(billing.type, "billing_error");

    fake.clearLog();
    fake.inject({ kind: "status", status: 429, retryAfter: 0 });
    const retried = await client(fake, { maxRetries: 1 }).messages.create(params);
    assert.equal(retried.stop_reason, "end_turn");
    assert.deepEqual(fake.requests.map((r) => r.status), [429, 200]);
    assert.equal(fake.requests[0].errorType, "rate_limit_error");

    fake.clearLog();
    fake.inject({ kind: "status", status: 429, retryAfter: 0 }, { times: 2 });
    const exhausted = await client(fake, { maxRetries: 1 }).messages.create(params)
      .catch((e: unknown) => e);
    assert.ok(exhausted instanceof RateLimitError);
    assert.equal(exhausted.headers?.get("retry-after"), "0");
    assert.equal(fake.requests.length, 2);

    fake.clearLog();
    fake.inject({ kind: "status", status: 529, shouldRetry: false });
    const final = await client(fake, { maxRetries: 1 }).messages.create(params)
      .catch((e: unknown) => e);
    assert.ok(final instanceof OverloadedError);
    assert.equal(fake.requests.length, 1, "x-should-retry: false forbids the retry");
    fake.inject({ kind: "status", status: 500, errorType: "api_error", message: "boom" });
    const custom = await post(fake, params);
    assert.deepEqual(custom.body.error, { type: "api_error", message: "boom" });
  });
});

Deno.test("faults: invalid output, refusal, malformed JSON, latency, timeout", async () => {
  await withFake(async (fake) => {
    const data = await samplePdf("senior-data-engineer-berlin.pdf");
    fake.inject({ kind: "invalid_output" });
    await assert.rejects(
      parseProfile(fake, data),
      (error: Error) => /^Failed to parse structured output/.test(error.message),
    );
    assert.equal(fake.requests[0].status, 200);
    assert.equal(fake.requests[0].fault, "invalid_output");

    fake.inject({ kind: "refusal" });
    const refusal = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: pdfMessage(data),
    });
    assert.equal(refusal.stop_reason, "refusal");
    assert.equal(refusal.content.length, 1);
    fake.inject({ kind: "refusal", text: "" });
    const empty = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: pdfMessage(data),
    });
    assert.deepEqual(empty.content, []);

    fake.inject({ kind: "malformed_json" });
    await assert.rejects(parseProfile(fake, data));
    assert.equal(fake.requests.at(-1)?.status, 200);

    fake.inject({ kind: "latency", ms: 60 });
    const started = performance.now();
    await parseProfile(fake, data);
    assert.ok(performance.now() - started >= 55);

    fake.inject({ kind: "timeout", ms: 10_000 });
    const impatient = new Anthropic({
      baseURL: fake.url,
      apiKey: KEY,
      maxRetries: 0,
      timeout: 200,
    });
    const timedOut = await impatient.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    }).catch((e: unknown) => e);
    assert.ok(timedOut instanceof APIConnectionTimeoutError, String(timedOut));
    const entry = fake.requests.at(-1)!;
    for (let i = 0; i < 100 && entry.status !== 499; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(entry.status, 499, "the fake saw the client go away");
    assert.equal(entry.fault, "timeout");
  });
});

Deno.test("faults: a held request is released when the server closes", async () => {
  const fake = await startFakeAnthropic();
  try {
    fake.inject({ kind: "timeout" });
    const held = post(fake, {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    }).catch((error: Error) => error);
    while (fake.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await fake.close();
    const result = await held;
    assert.ok(result instanceof Error || result.status === 504);
  } finally {
    await fake.close();
  }
});

Deno.test("validation: PDFs that are encrypted, too long, not PDFs, or empty get 400", async () => {
  await withFake(async (fake) => {
    const sdk = client(fake);
    const send = (data: string) =>
      sdk.messages.create({ model: MODEL, max_tokens: 256, messages: pdfMessage(data) })
        .catch((e: unknown) => e);

    const encrypted = await send(await samplePdf("encrypted.pdf"));
    assert.ok(encrypted instanceof BadRequestError);
    assert.match(encrypted.message, /password protected or encrypted/);

    const tooLong = await send(toBase64(await pdf101()));
    assert.ok(tooLong instanceof BadRequestError);
    assert.equal(
      (tooLong.error as { error: { message: string } }).error.message,
      "messages.0.content.0.pdf.source.base64.data: A maximum of 100 PDF pages may be provided.",
    );
    assert.deepEqual(fake.requests[1].documentPages, [101]);

    const notPdf = await send(await samplePdf("not-a-pdf.pdf"));
    assert.ok(notPdf instanceof BadRequestError);
    assert.match(notPdf.message, /The PDF specified was not valid\./);
    const emptyPdf = await send("");
    assert.ok(emptyPdf instanceof BadRequestError);
    assert.match(emptyPdf.message, /The PDF specified was not valid\./);
    const badBase64 = await send("%%% not base64 %%%");
    assert.ok(badBase64 instanceof BadRequestError);
    assert.match(badBase64.message, /invalid base64 data/);
    assert.ok(
      fake.requests.every((r) => r.status === 400 && r.errorType === "invalid_request_error"),
    );

    const long = pdfMessage(await samplePdf("long-cv.pdf"))[0].content[0];
    const manyDocs = await post(fake, {
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: Array.from({ length: 9 }, () => long) }],
    });
    assertInvalid(
      manyDocs,
      "messages.0.content.8.pdf.source.base64.data: A maximum of 100 PDF pages may be provided.",
    );
    assert.deepEqual(fake.requests.at(-1)?.documentPages, Array(9).fill(12));
  });
});

Deno.test("validation: fields, roles, sampling parameters and sources", async () => {
  await withFake(async (fake) => {
    const hi = [{ role: "user", content: "Hi" }];
    const temperature = await client(fake).messages.create(
      { model: MODEL, max_tokens: 64, messages: hi, temperature: 1 } as never,
    ).catch((e: unknown) => e);
    assert.ok(temperature instanceof BadRequestError);
    assert.match(temperature.message, /temperature: Extra inputs are not permitted/);
    for (const name of ["top_p", "top_k"]) {
      const reply = await post(fake, { model: MODEL, max_tokens: 64, messages: hi, [name]: 0.5 });
      assertInvalid(reply, new RegExp(`^${name}: `));
    }
    const legacy = await post(
      fake,
      { model: MODEL, max_tokens: 64, messages: hi, temperature: 1 },
      {
        "anthropic-version": "2023-06-01",
      },
    );
    assert.equal(legacy.status, 200, "older versions still take temperature");
    assert.equal(fake.requests.at(-1)?.anthropicVersion, "2023-06-01");

    assertInvalid(await post(fake, "{not json"), /^The request body is not valid JSON/);
    assertInvalid(await post(fake, { max_tokens: 64, messages: hi }), "model: Field required");
    assertInvalid(await post(fake, { model: MODEL, messages: hi }), "max_tokens: Field required");
    for (const bad of [0, -5, 1.5, "64"]) {
      assertInvalid(
        await post(fake, { model: MODEL, max_tokens: bad, messages: hi }),
        /^max_tokens: /,
      );
    }
    assertInvalid(
      await post(fake, { model: MODEL, max_tokens: 64 }),
      "messages: Field required",
    );
    assertInvalid(
      await post(fake, { model: MODEL, max_tokens: 64, messages: [] }),
      "messages: at least one message is required",
    );
    assertInvalid(
      await post(fake, {
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: "assistant", content: "Hello" }],
      }),
      'messages: first message must use the "user" role',
    );
    assertInvalid(
      await post(fake, {
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }],
      }),
      'messages: roles must alternate between "user" and "assistant", but found multiple "user" ' +
        "roles in a row",
    );
    const data = await samplePdf("senior-data-engineer-berlin.pdf");
    assertInvalid(
      await post(fake, {
        model: MODEL,
        max_tokens: 64,
        messages: [...pdfMessage(data), {
          role: "assistant",
          content: pdfMessage(data)[0].content,
        }],
      }),
      "messages.1.content.0: document blocks are not allowed in assistant messages",
    );
    assertInvalid(
      await post(fake, {
        model: MODEL,
        max_tokens: 64,
        messages: [{
          role: "user",
          content: [{ type: "document", source: { type: "pdf", data } }],
        }],
      }),
      /^messages\.0\.content\.0\.document\.source: Input tag 'pdf' found using 'type' does not/,
    );
    assertInvalid(
      await post(fake, {
        model: MODEL,
        max_tokens: 64,
        messages: [{
          role: "user",
          content: [{
            type: "document",
            source: { type: "base64", media_type: "image/png", data },
          }],
        }],
      }),
      "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'",
    );
    const textDocument = await post(fake, {
      model: MODEL,
      max_tokens: 512,
      messages: [{
        role: "user",
        content: [{
          type: "document",
          source: { type: "text", media_type: "text/plain", data: "Lebenslauf\nKein PDF." },
        }, { type: "text", text: "Summarise." }],
      }],
    });
    assert.equal(textDocument.status, 200);
    const fileDocument = await post(fake, {
      model: MODEL,
      max_tokens: 64,
      messages: [{
        role: "user",
        content: [{ type: "document", source: { type: "file", file_id: "file_011" } }],
      }],
    });
    assert.equal(fileDocument.status, 404);
    assert.equal(fileDocument.body.error.type, "not_found_error");
    assertInvalid(
      await post(fake, { model: MODEL, max_tokens: 64, messages: hi, stream: true }),
      /^stream: /,
    );

    const huge = new Uint8Array(32 * 1024 * 1024 + 1).fill(0x20);
    const tooLarge = await fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "anthropic-version": "2026-10-21" },
      body: huge,
    });
    assert.equal(tooLarge.status, 413);
    assert.deepEqual((await tooLarge.json()).error, {
      type: "request_too_large",
      message: "Request exceeds the maximum allowed number of bytes.",
    });
  });
});

Deno.test("413 is ContentTooLargeError; unknown models 404 when listed", async () => {
  await withFake(async (fake) => {
    const tooLarge = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "x".repeat(4_096) }],
    }).catch((e: unknown) => e);
    assert.ok(tooLarge instanceof ContentTooLargeError, String(tooLarge));
    assert.equal(fake.requests[0].status, 413);
    const small = await client(fake).messages.create({
      model: "claude-nonexistent-9",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(small.model, "claude-nonexistent-9", "any model string is echoed");
  }, { maxRequestBytes: 2_048 });
  await withFake(async (fake) => {
    const unknown = await client(fake).messages.create({
      model: "claude-nonexistent-9",
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    }).catch((e: unknown) => e);
    assert.ok(unknown instanceof NotFoundError);
    assert.equal(unknown.message.includes("model: claude-nonexistent-9"), true);
  }, { models: [MODEL] });
});

Deno.test("tools and text: a forced tool gets tool_use shaped by its input_schema", async () => {
  await withFake(async (fake) => {
    const data = await samplePdf("product-manager-munich.pdf");
    const inputSchema = {
      type: "object" as const,
      properties: {
        job_titles: { type: "array", items: { type: "string" }, minItems: 1 },
        city: { type: "string" },
        remote: { type: "boolean" },
        ai_experience_level: { type: "string", enum: ["0-2", "2-5", "5-10", "10+"] },
        ai_taxonomies_a: { type: "array", items: { type: "string", enum: [...TAXONOMIES] } },
      },
      required: ["job_titles", "city", "remote", "ai_experience_level", "ai_taxonomies_a"],
      additionalProperties: false,
    };
    const message = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: pdfMessage(data),
      tools: [{
        name: "save_profile",
        description: "Store the profile.",
        input_schema: inputSchema,
      }],
      tool_choice: { type: "tool", name: "save_profile" },
    });
    assert.equal(message.stop_reason, "tool_use");
    assert.equal(message.content.length, 1, "no text before a forced tool_use");
    const block = message.content[0];
    assert.ok(block.type === "tool_use");
    assert.match(block.id, /^toolu_01[0-9A-Za-z]{22}$/);
    assert.equal(block.name, "save_profile");
    assert.deepEqual(block.input, {
      job_titles: ["Senior Product Manager", "Product Manager", "Product Owner"],
      city: "Munich",
      remote: false,
      ai_experience_level: "5-10",
      ai_taxonomies_a: ["Technology", "Management & Leadership"],
    });
    assert.equal(fake.requests[0].toolName, "save_profile");
    assert.equal(fake.requests[0].hasOutputFormat, false);

    const text = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: pdfMessage(data, "Summarise this CV."),
    });
    assert.equal(text.stop_reason, "end_turn");
    assert.ok(text.content[0].type === "text");
    assert.match(
      text.content[0].text,
      /^Sophie Wagner is a Senior Product Manager based in Munich/,
    );

    const thinking = await post(fake, {
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hi" }],
      tools: [{ name: "save_profile", input_schema: inputSchema }],
      tool_choice: { type: "tool", name: "save_profile" },
      thinking: { type: "adaptive" },
    });
    assertInvalid(thinking, "Thinking may not be enabled when tool_choice forces tool use.");
    assertInvalid(
      await post(fake, {
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: "user", content: "Hi" }],
        tools: [{ name: "save_profile", input_schema: inputSchema }],
        tool_choice: { type: "tool", name: "missing" },
      }),
      /^tool_choice\.tool\.name: /,
    );
  });
});

Deno.test("max_tokens: output over the limit is cut and stops with max_tokens", async () => {
  await withFake(async (fake) => {
    const data = await samplePdf("senior-data-engineer-berlin.pdf");
    await assert.rejects(
      parseProfile(fake, data, 20),
      (error: Error) => /^Failed to parse structured output/.test(error.message),
    );
    const format = zodOutputFormat(CvProfile);
    const cut = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 20,
      messages: pdfMessage(data),
      output_config: { format: { type: "json_schema", schema: format.schema } },
    });
    assert.equal(cut.stop_reason, "max_tokens");
    assert.equal(cut.usage.output_tokens, 20);
    assert.ok(cut.content[0].type === "text");
    assert.equal(cut.content[0].text.length, 80);
    assert.throws(() => JSON.parse((cut.content[0] as { text: string }).text));
  });
});

Deno.test("rate limits: over the per-minute limit answers 429 with retry-after", async () => {
  let now = REFERENCE.getTime();
  await withFake(async (fake) => {
    const body = { model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] };
    assert.equal((await post(fake, body)).status, 200);
    now += 10_000;
    const second = await post(fake, body);
    assert.equal(second.headers.get("anthropic-ratelimit-requests-remaining"), "0");
    assert.equal(second.headers.get("anthropic-ratelimit-requests-reset"), "2026-11-28T08:01:00Z");
    const limited = await post(fake, body);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.type, "rate_limit_error");
    assert.equal(limited.headers.get("retry-after"), "50");
    now += 51_000;
    assert.equal((await post(fake, body)).status, 200, "the window slid");
  }, { rateLimits: { requestsPerMinute: 2 }, now: () => new Date(now) });
});

Deno.test("respond: a custom responder sees the request and the decoded documents", async () => {
  await withFake(async (fake) => {
    const data = await samplePdf("data-engineer-hamburg-berlin.pdf");
    const Echo = z.object({ name: z.string(), pages: z.number(), cities: z.array(z.string()) });
    const message = await client(fake).messages.parse({
      model: MODEL,
      max_tokens: 512,
      messages: pdfMessage(data),
      output_config: { format: zodOutputFormat(Echo) },
    });
    assert.deepEqual(message.parsed_output, {
      name: "Jonas Petersen",
      pages: 1,
      cities: ["Hamburg", "Berlin"],
    });
  }, {
    respond(request, call) {
      assert.equal(request.model, MODEL);
      assert.equal(call.target, "output_format");
      assert.match(call.cvText, /Elbfracht Logistics GmbH/);
      return {
        name: call.facts.name,
        pages: call.documents[0].pages,
        cities: call.facts.locations.filter((l) => l.preferred).map((l) => l.city),
      };
    },
  });
  await withFake(async (fake) => {
    const failed = await client(fake).messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hi" }],
    }).catch((e: unknown) => e);
    assert.ok(failed instanceof InternalServerError);
    assert.equal(fake.requests[0].error, "responder broke");
    assert.equal(fake.requests[0].errorType, "api_error");
  }, {
    respond() {
      throw new Error("responder broke");
    },
  });
});

/** Schemas of many shapes: the default responder's output must be valid for each. */
const Location = z.object({
  city: z.string().min(1),
  country_code: z.string().regex(/^[A-Z]{2}$/),
});
interface Category {
  name: string;
  children: Category[];
}
const CategorySchema: z.ZodType<Category> = z.lazy(() =>
  z.object({ name: z.string(), children: z.array(CategorySchema) })
);
const SCHEMAS: Record<string, z.ZodType> = {
  profile: CvProfile,
  nested: z.object({
    candidate: z.object({ name: z.string(), email: z.email() }),
    home: Location,
    wanted: z.array(Location).min(1).max(3),
    also: Location.nullable(),
    queries: z.array(z.object({
      title: z.string(),
      location: z.string(),
      seniority: z.enum(["Junior", "Mid-Level", "Senior", "Lead"]),
      remote: z.boolean(),
    })).max(10),
    years: z.int().nonnegative(),
    confidence: z.number().min(0).max(1),
    languages: z.array(z.object({
      language: z.string(),
      level: z.enum(["native", "fluent", "good", "basic", "A1", "A2", "B1", "B2", "C1", "C2"])
        .nullable(),
    })),
    tags: z.array(z.string()).min(2),
    kind: z.literal("cv_profile"),
    either: z.union([z.string(), z.number()]),
    labels: z.record(z.string(), z.string()),
    notes: z.string().min(20).optional(),
    tree: CategorySchema,
  }),
  flat: z.object({
    jobTitle: z.string().max(10),
    yearsOfExperience: z.number().int().min(3).max(5),
    workArrangement: z.enum(["On-site", "Hybrid", "Remote OK", "Remote Solely"]),
    employmentTypes: z.array(z.enum(["FULL_TIME", "PART_TIME", "CONTRACTOR"])).min(1),
    skills: z.array(z.string()).max(3),
    isCv: z.boolean(),
    summary: z.string().min(1).max(60),
  }),
};

Deno.test("shaper: valid for every schema and sample, per zod and JSON Schema", async () => {
  const texts: Record<string, string> = { empty: "" };
  for (const name of [...Object.keys(SAMPLE_CVS).map(sampleFileName), "not-a-cv.pdf"]) {
    const inspected = await inspectPdf(await Deno.readFile(new URL(name, SAMPLES)));
    assert.equal(inspected.kind, "ok");
    texts[name] = inspected.kind === "ok" ? inspected.pageTexts.join("\n") : "";
  }
  for (const [schemaName, schema] of Object.entries(SCHEMAS)) {
    const format = zodOutputFormat(schema);
    for (const [textName, text] of Object.entries(texts)) {
      const facts: CvFacts = readCvFacts(text, { referenceDate: REFERENCE });
      const value = shapeFromSchema(
        format.schema as JsonSchema,
        cvFactScope(facts),
        cvShapeOptions(facts),
      );
      const where = `${schemaName} × ${textName}: ${JSON.stringify(value)}`;
      assert.deepEqual(validateJsonSchema(format.schema as JsonSchema, value), [], where);
      const parsed = schema.safeParse(value);
      assert.ok(parsed.success, `${where}\n${parsed.error?.message}`);
      assert.deepEqual(format.parse(JSON.stringify(value)), parsed.data);
    }
  }
  const lena = readCvFacts(texts["senior-data-engineer-berlin.pdf"], { referenceDate: REFERENCE });
  const nested = shapeFromSchema(
    zodOutputFormat(SCHEMAS.nested).schema as JsonSchema,
    cvFactScope(lena),
    cvShapeOptions(lena),
  ) as Record<string, unknown>;
  assert.deepEqual(nested.candidate, { name: "Lena Vogt", email: "lena.vogt@example.de" });
  assert.deepEqual(nested.home, { city: "Berlin", country_code: "DE" });
  assert.equal(nested.also, null, "a nullable property no fact names is null");
  assert.deepEqual((nested.queries as unknown[])[0], {
    title: "Senior Data Engineer",
    location: "Berlin, Germany",
    seniority: "Senior",
    remote: true,
  });
  assert.deepEqual(nested.languages, [
    { language: "German", level: "native" },
    { language: "English", level: "C1" },
    { language: "Spanish", level: "B1" },
  ]);
  assert.equal(nested.years, 9);
  const raw: JsonSchema = {
    type: "object",
    properties: {
      pair: { type: "array", description: '{prefixItems: [{"type":"string"},{"type":"integer"}]}' },
      city: { type: ["string", "null"], description: "{minLength: 3, maxLength: 5}" },
      size: { type: "number", exclusiveMinimum: 2, multipleOf: 0.5 },
      tags: { type: "array", items: { type: "string" }, uniqueItems: true, minItems: 2 },
      any: {},
    },
    required: ["pair", "city", "size", "tags", "any"],
    additionalProperties: false,
  };
  const shaped = shapeFromSchema(raw, cvFactScope(lena), cvShapeOptions(lena));
  assert.deepEqual(validateJsonSchema(raw, shaped), []);
  assert.deepEqual(shaped, {
    pair: ["", 0],
    city: "Berli",
    size: 2.5,
    tags: ["", " 2"],
    any: null,
  });
  z.tuple([z.string(), z.int()]).parse((shaped as { pair: unknown }).pair);

  const flat = shapeFromSchema(
    zodOutputFormat(SCHEMAS.flat).schema as JsonSchema,
    cvFactScope(lena),
    cvShapeOptions(lena),
  );
  assert.deepEqual(flat, {
    jobTitle: "Senior Dat",
    yearsOfExperience: 5,
    workArrangement: "Hybrid",
    employmentTypes: ["FULL_TIME"],
    skills: ["Python", "SQL", "Apache Spark"],
    isCv: true,
    summary: "Senior data engineer with 9 years of experience building bat",
  });
});

Deno.test("validator: reports type, enum, required, extra, count, range and format issues", () => {
  const schema: JsonSchema = {
    type: "object",
    properties: {
      name: { type: "string", description: "{minLength: 2}" },
      level: { enum: ["a", "b"] },
      tags: { type: "array", items: { $ref: "#/$defs/tag" }, minItems: 1 },
      at: { type: "string", format: "date-time" },
      n: { anyOf: [{ type: "integer", maximum: 3 }, { type: "null" }] },
    },
    required: ["name", "level", "tags"],
    additionalProperties: false,
    $defs: { tag: { type: "string", pattern: "^[a-z]+$" } },
  };
  assert.deepEqual(
    validateJsonSchema(schema, { name: "ok", level: "a", tags: ["x"], n: null }),
    [],
  );
  const issues = validateJsonSchema(schema, {
    name: "x",
    level: "c",
    tags: ["X1"],
    at: "yesterday",
    n: 4,
    extra: true,
  });
  assert.deepEqual(issues.map((i) => i.path).sort(), [
    "",
    "/at",
    "/level",
    "/n",
    "/name",
    "/tags/0",
  ]);
  assert.equal(
    validateJsonSchema(schema, { name: "ok", level: "a" })[0].message,
    "missing required property tags",
  );
  assert.equal(validateJsonSchema(schema, []).length, 1);
});

Deno.test("pattern: generated strings match the patterns schemas use", () => {
  const patterns = [
    /^[A-Z]{2}$/,
    /^\d{5}$/,
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    /^(Mr|Ms|Dr)\.? [A-Z][a-z]+$/,
    /^\+?\d{2,3} \d{3,}$/,
    /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/,
    /^(?!x)[a-f]{3}\w*$/,
  ];
  for (const pattern of patterns) {
    const sample = sampleForPattern(pattern);
    assert.ok(sample !== undefined && pattern.test(sample), `${pattern}: ${sample}`);
  }
});
