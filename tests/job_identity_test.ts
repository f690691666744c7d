import assert from "node:assert/strict";
import { groupJobs } from "../shared/jobs/batch_grouping.ts";
import {
  canonicalUrl,
  jobIdentity,
  normalizeCompany,
  normalizeTitle,
} from "../shared/jobs/identity.ts";
import { resolvePlace } from "../shared/geo/places.ts";
import { TITLE_CASES } from "./fixtures/title_cases.ts";
import { canonicalJob } from "./support/jobs.ts";

Deno.test("canonical URL strips tracking, scheme, www, fragments, order and trailing slash", () => {
  const canonical = "https://boards.greenhouse.io/zalando/jobs/4310187";
  for (
    const variant of [
      "https://boards.greenhouse.io/zalando/jobs/4310187",
      "http://boards.greenhouse.io/zalando/jobs/4310187/",
      "https://www.boards.greenhouse.io/zalando/jobs/4310187#apply",
      "https://boards.greenhouse.io/zalando/jobs/4310187?utm_campaign=google_jobs_apply&utm_source=google_jobs_apply&utm_medium=organic",
      "https://boards.greenhouse.io/zalando/jobs/4310187?gh_src=abc&src=LinkedIn",
      "HTTPS://Boards.Greenhouse.IO:443/zalando/jobs/4310187?gclid=x&fbclid=y",
    ]
  ) {
    assert.equal(canonicalUrl(variant), canonical, variant);
  }
  // parameters that route the requisition stay, in a stable order
  assert.equal(
    canonicalUrl("https://de.indeed.com/viewjob?jk=abc123&from=serp&utm_source=x&tk=9"),
    "https://de.indeed.com/viewjob?from=serp&jk=abc123&tk=9",
  );
  assert.notEqual(
    canonicalUrl("https://jobs.lever.co/acme/1?lever-source=LinkedIn"),
    canonicalUrl("https://jobs.lever.co/acme/2"),
  );
  assert.equal(canonicalUrl("mailto:jobs@acme.de"), null);
  assert.equal(canonicalUrl("not a url"), null);
  assert.equal(canonicalUrl(null), null);
});

Deno.test("plain apply links parsed by hand canonicalise as the URL parser would", () => {
  // An empty fragment ("#") changes nothing in the canonical URL, but sends the link through
  // the URL standard's parser; the hand-parsed plain links must come out the same.
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const text = (alphabet: string, max: number) =>
    Array.from({ length: Math.floor(next() * max) }, () => pick([...alphabet])).join("");
  const schemes = ["http", "https", "HTTPS", "hTtP"];
  const hosts = [
    "boards.greenhouse.io",
    "WWW.Example.COM",
    "m.jobs.de",
    "www2.a-b.c-d.io",
    "xn--mnchen-3ya.de",
    "jobs.xn--mnchen-3ya.de",
    "xn--a.de",
    "192.168.0.1",
    "example.123",
    "sub.0x7f",
    "localhost",
    "-lead.example.com",
    "ex--ample.com-",
  ];
  const samples: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const path = Array.from(
      { length: Math.floor(next() * 5) },
      () => pick(["", ".", "..", "jobs", "4310187", "a.b", text("aZ09-._~%+ ", 8)]),
    ).join("/");
    const query = pick([
      "",
      "?",
      `?${text("aZ1=&.-_~+%", 16)}`,
      `?gh_jid=${text("0123456789", 8)}&utm_source=x&b=2&a=1&a=0`,
      "?src=linkedin&id=7&&=x&k",
      "?q=a=b&lang=de",
    ]);
    samples.push(`${pick(schemes)}://${pick(hosts)}${path ? `/${path}` : pick(["", "/"])}${query}`);
  }
  let plain = 0;
  for (const url of samples) {
    const canonical = canonicalUrl(url);
    assert.equal(canonical, canonicalUrl(`${url.trim()}#`), url);
    if (/^https?:\/\/[\w.-]+\.[a-z][\w-]*(\/[\w\-.~/]*)?(\?[\w\-.~=&]*)?$/i.test(url)) plain++;
  }
  // most samples take the hand-parsed path, so the comparison means something
  assert.ok(plain > samples.length / 4, `${plain} plain samples`);
});

Deno.test("company names lose their legal form, German ones included", () => {
  const cases: [string, string][] = [
    ["Zalando SE", "zalando"],
    ["N26 GmbH", "n26"],
    ["Siemens AG", "siemens"],
    ["Otto GmbH & Co. KG", "otto"],
    ["Müller UG (haftungsbeschränkt)", "muller"],
    ["Beispiel mbH", "beispiel"],
    ["Henkel AG & Co. KGaA", "henkel"],
    ["Schmidt KG", "schmidt"],
    ["trivago N.V.", "trivago"],
    ["Acme, Inc.", "acme"],
    ["Mercedes-Benz Group AG", "mercedes benz"],
    ["Trade Republic Bank GmbH", "trade republic bank"],
  ];
  for (const [name, normalized] of cases) assert.equal(normalizeCompany(name), normalized, name);
  assert.equal(normalizeCompany("SE"), "se", "a name that is only a suffix stays");
  assert.equal(normalizeCompany(null), "");
});

Deno.test("titles lose gender tags and expand abbreviations; seniority stays", () => {
  for (const { title, identity } of TITLE_CASES) {
    assert.equal(normalizeTitle(title), identity, JSON.stringify(title));
  }
  assert.notEqual(normalizeTitle("Junior Data Engineer"), normalizeTitle("Senior Data Engineer"));
  assert.notEqual(normalizeTitle("Data Engineer"), normalizeTitle("Senior Data Engineer"));
});

Deno.test("postings whose titles differ only in abbreviations and gender forms are one job", () => {
  const titles = [
    "Senior Data Engineer",
    "Sr. Data Engineer (m/w/d)",
    "Snr Data Engineer",
    "Sen. Data Engineer",
    "Sr.Data Engineer",
    "Senior Data Engineer:in",
  ];
  const postings = titles.map((title, i) =>
    canonicalJob({ providerJobId: `t${i}`, title, applyUrl: null })
  );
  const fingerprints = new Set(postings.map((job) => jobIdentity(job).fingerprint));
  assert.deepEqual([...fingerprints], ["senior data engineer|zalando|berlin/DE"]);
  assert.equal(groupJobs(postings).length, 1);
  const junior = canonicalJob({ providerJobId: "j", title: "Jr. Data Engineer", applyUrl: null });
  assert.equal(groupJobs([postings[0], junior]).length, 2, "another level is another job");
});

Deno.test("plain ASCII titles and companies normalise as they would through the Unicode path", () => {
  // A trailing em dash is not ASCII: it sends the same text through Unicode normalisation and
  // property classes, and becomes a separator that is trimmed away. Both paths must agree.
  const alphabet = "aZ09 &+#/()-.,:;|!?'\"_*\tmwdfx";
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const samples = [
    "Sr. Data Engineer (m/w/d)",
    "Dev & Ops Mgr m / f / d",
    "C++ / C# Eng (gn*)",
    "Jr.-Dev, B2B (all genders)",
  ];
  for (let i = 0; i < 2000; i++) {
    const length = 1 + Math.floor(next() * 30);
    samples.push(
      Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
    );
  }
  for (const text of samples) {
    assert.equal(normalizeTitle(text), normalizeTitle(`${text} \u2014`), JSON.stringify(text));
    assert.equal(normalizeCompany(text), normalizeCompany(`${text} \u2014`), JSON.stringify(text));
  }
});

Deno.test("fingerprints: city names in any language agree; coarse locations are marked", () => {
  const munich = jobIdentity(canonicalJob({ location: { city: "München", country: "DE" } }));
  const munich2 = jobIdentity(
    canonicalJob({ company: "Zalando", location: { city: "Munich", country: "DE" } }),
  );
  assert.equal(munich.fingerprint, munich2.fingerprint);
  assert.equal(munich.fingerprint, "senior data engineer|zalando|munich/DE");
  assert.equal(munich.locationIsCoarse, false);

  const germany = jobIdentity(canonicalJob({ location: { city: null, region: null } }));
  assert.equal(germany.locationIsCoarse, true);
  assert.equal(germany.fingerprint, "senior data engineer|zalando|DE");
  assert.equal(germany.looseFingerprint, munich.looseFingerprint);
});

Deno.test("place names resolve to a city and an ISO country", () => {
  assert.deepEqual(
    [resolvePlace("Berlin, Germany").city?.name, resolvePlace("Berlin, Germany").country?.code],
    ["Berlin", "DE"],
  );
  assert.equal(resolvePlace("München, Bayern, Deutschland").city?.name, "Munich");
  assert.equal(resolvePlace("Deutschland").country?.code, "DE");
  assert.equal(resolvePlace("Remote").remote, true);
  assert.equal(resolvePlace("DE").country, null, "a bare code is not taken for a country");
  assert.equal(resolvePlace("Berlin, DE").country?.code, "DE");
  assert.equal(resolvePlace("Atlantis").city, null);
});

Deno.test("batch grouping joins postings by URL, fingerprint or loose key, not across cities", () => {
  const a = canonicalJob({ provider: "jsearch", providerJobId: "a" });
  const sameUrl = canonicalJob({
    provider: "active_jobs_db",
    providerJobId: "1",
    title: "Data Engineer",
    applyUrl: "http://www.boards.greenhouse.io/zalando/jobs/123/?utm_source=x",
  });
  const sameFingerprint = canonicalJob({
    provider: "active_jobs_db",
    providerJobId: "2",
    company: "Zalando",
    applyUrl: "https://zalando.jobs/123",
  });
  const coarse = canonicalJob({
    provider: "jsearch",
    providerJobId: "b",
    applyUrl: null,
    location: { city: null, region: null, country: "DE" },
  });
  const otherCity = canonicalJob({
    provider: "jsearch",
    providerJobId: "c",
    applyUrl: "https://boards.greenhouse.io/zalando/jobs/999",
    location: { city: "Hamburg" },
  });
  const otherCountry = canonicalJob({
    provider: "jsearch",
    providerJobId: "d",
    applyUrl: null,
    location: { city: null, region: null, country: "AT" },
  });
  const repeat = canonicalJob({ provider: "jsearch", providerJobId: "a" });
  const groups = groupJobs([a, sameUrl, sameFingerprint, coarse, otherCity, otherCountry, repeat]);
  const byId = (id: string) =>
    groups.findIndex((g) => g.members.some((m) => m.job.providerJobId === id));
  assert.equal(byId("a"), byId("1"), "same URL");
  assert.equal(byId("a"), byId("2"), "same fingerprint");
  // "b" (coarse, DE) could be the Berlin job or the Hamburg one: ambiguous, so it joins neither
  assert.notEqual(byId("a"), byId("b"), "ambiguous loose key");
  assert.notEqual(byId("a"), byId("c"), "Berlin and Hamburg stay apart");
  assert.notEqual(byId("a"), byId("d"), "coarse in another country");
  // without Hamburg, the coarse posting has one city to join
  const unambiguous = groupJobs([a, coarse, otherCountry]);
  assert.equal(unambiguous.length, 2);
  assert.equal(unambiguous.find((g) => g.members.length === 2)?.members.length, 2);
  const total = groups.reduce((sum, g) => sum + g.members.length, 0);
  assert.equal(total, 6, "a repeated provider id is one record");
});

Deno.test("distinct cities stay distinct jobs without a coarse posting in between", () => {
  const berlin = canonicalJob({ providerJobId: "x", applyUrl: null });
  const hamburg = canonicalJob({
    providerJobId: "y",
    applyUrl: null,
    location: { city: "Hamburg" },
  });
  assert.equal(groupJobs([berlin, hamburg]).length, 2);
});

Deno.test("identity review cases: scripts, missing employers, generic and routed URLs", () => {
  // non-Latin titles keep their words
  const athens = (title: string) =>
    jobIdentity(
      canonicalJob({
        title,
        company: "Ελληνική Εταιρεία",
        location: { city: "Athens", country: "GR" },
      }),
    );
  assert.notEqual(athens("Λογιστής").fingerprint, athens("Μηχανικός").fingerprint);
  // no employer: the posting is only itself
  const a = jobIdentity(canonicalJob({ providerJobId: "1", company: null, title: "Accountant" }));
  const b = jobIdentity(canonicalJob({ providerJobId: "2", company: null, title: "Accountant" }));
  assert.notEqual(a.fingerprint, b.fingerprint);
  assert.notEqual(a.looseFingerprint, b.looseFingerprint);
  // a careers page is no posting; a hash route is part of the posting's address
  assert.equal(canonicalUrl("https://acme.com/careers"), null);
  assert.equal(canonicalUrl("https://acme.com/careers/#apply"), null);
  assert.notEqual(
    canonicalUrl("https://acme.com/careers/#/job/123"),
    canonicalUrl("https://acme.com/careers/#/job/456"),
  );
  assert.equal(canonicalUrl(`https://acme.com/jobs/1?q=${"x".repeat(2100)}`), null);
});
