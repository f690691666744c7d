/**
 * The digest email's parts: the subject, every job field escaped, links only when http(s), the
 * feed and unsubscribe links in both parts; the unsubscribe token.
 */
import assert from "node:assert/strict";
import { digestSubject, renderDigest } from "../shared/digest/render.ts";
import type { DigestJob } from "../shared/digest/select.ts";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../shared/digest/unsubscribe.ts";

function job(fields: Partial<DigestJob> = {}): DigestJob {
  return {
    jobId: 1,
    title: "Data Engineer",
    company: "Zalando",
    city: "Berlin",
    country: "DE",
    workArrangement: "Hybrid",
    salary: { min: 60000, max: 75000, currency: "EUR", period: "YEAR" },
    applyUrl: "https://jobs.zalando.com/1",
    score: 80,
    reason: "Data Engineer in Berlin",
    missingSkills: [],
    ...fields,
  };
}

const links = {
  feedUrl: "https://jobs.example.com/",
  unsubscribeUrl: "https://p.test/functions/v1/digest/unsubscribe?token=a.b",
};

Deno.test("digest render: the subject names the best job", () => {
  assert.equal(
    digestSubject([job(), job({ title: "Analyst" })]),
    "2 new jobs for you — Data Engineer at Zalando and more",
  );
  assert.equal(digestSubject([job({ company: null })]), "1 new job for you — Data Engineer");
});

Deno.test("digest render: fields escaped, only http(s) links, both links in both parts", () => {
  const { text, html } = renderDigest([
    job({ title: `<script>alert("x")</script>`, company: "A & B" }),
    job({ applyUrl: "javascript:alert(1)", reason: "it's <b>great</b>" }),
  ], links);
  assert.ok(!html.includes("<script>"));
  assert.ok(!html.includes("<b>great"));
  assert.match(html, /A &#38; B/);
  assert.ok(!html.includes("javascript:"));
  assert.ok(!text.includes("javascript:"));
  assert.match(html, /href="https:\/\/jobs\.zalando\.com\/1"/);
  for (const part of [text, html]) {
    assert.ok(part.includes("https://jobs.example.com/"));
    assert.ok(part.includes("unsubscribe?token=a.b"));
  }
  assert.match(text, /€60K–75K a year/, "the page's salary format");
});

Deno.test("digest render: what a job asks for beyond the CV, escaped, only when there is some", () => {
  const { text, html } = renderDigest([
    job({ missingSkills: ["Kubernetes", "C++ & <Rust>"] }),
    job({ title: "Analyst" }),
  ], links);
  assert.match(text, /^ {3}Asks for: Kubernetes, C\+\+ & <Rust>$/m);
  assert.match(html, /Asks for: Kubernetes, C\+\+ &#38; &#60;Rust&#62;/);
  assert.equal(text.match(/Asks for:/g)?.length, 1, "the second job asks for nothing more");
  assert.equal(html.match(/Asks for:/g)?.length, 1);
});

Deno.test("digest unsubscribe token: signed per user, checked, tampering refused", async () => {
  const user = crypto.randomUUID();
  const token = await signUnsubscribeToken("s3cret", user);
  assert.equal(await verifyUnsubscribeToken("s3cret", token), user);
  assert.equal(await verifyUnsubscribeToken("other", token), null);
  const other = crypto.randomUUID();
  assert.equal(await verifyUnsubscribeToken("s3cret", `${other}.${token.split(".")[1]}`), null);
  for (const bad of ["", "x", `${user}.`, `${user}.!!`, `${user}.a.b`, `${user}.a`]) {
    assert.equal(await verifyUnsubscribeToken("s3cret", bad), null, bad);
  }
});
