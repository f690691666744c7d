/**
 * Dedup inside one batch, before it reaches SQL: postings that share any identity key (same
 * provider id, canonical URL or strict fingerprint; or the same loose fingerprint when one of
 * them has a coarse location, the countries agree, and the key points to a single city) become
 * one group, stored as one job with several sources. SQL then matches each group against what is
 * already stored, by the same rules.
 *
 * @module
 */
import type { CanonicalJob } from "./canonical_job.ts";
import { type JobIdentity, jobIdentity } from "./identity.ts";

/** One posting with its identity keys. */
export interface IdentifiedJob {
  job: CanonicalJob;
  identity: JobIdentity;
}

/** Postings that are the same job. The first member is the one whose fields are stored. */
export interface JobGroup {
  members: IdentifiedJob[];
}

function find(parent: number[], i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** How complete a record is; the most complete one of a group provides its fields. */
function completeness(job: CanonicalJob): number {
  return (job.company ? 1 : 0) + (job.location.city ? 2 : 0) + (job.salary ? 1 : 0) +
    (job.description ? 1 : 0) + (job.postedAt ? 1 : 0) + (job.workArrangement ? 1 : 0) +
    (job.applyUrl ? 1 : 0);
}

/**
 * Groups postings by identity. Records with the same provider and provider id keep only the
 * last one seen (a provider repeating itself is one record).
 */
export function groupJobs(jobs: readonly CanonicalJob[]): JobGroup[] {
  const bySource = new Map<string, CanonicalJob>();
  for (const job of jobs) bySource.set(`${job.provider}\u0000${job.providerJobId}`, job);
  const grouper = createJobGrouper();
  grouper.add(bySource.values());
  return grouper.groups();
}

/** Groups postings as they arrive; see {@link createJobGrouper}. */
export interface JobGrouper {
  /** Adds postings; each provider posting must be added once. Computes their identity keys. */
  add(jobs: Iterable<CanonicalJob>): void;
  /** The groups of everything added so far. */
  groups(): JobGroup[];
}

/**
 * An incremental {@link groupJobs}: identity keys are computed and joined as postings are
 * added (while earlier work is in flight), and only the loose matches and the final groups
 * wait for the last posting.
 */
export function createJobGrouper(): JobGrouper {
  const items: IdentifiedJob[] = [];
  const parent: number[] = [];
  const union = (a: number, b: number) => {
    const ra = find(parent, a);
    const rb = find(parent, b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  // one map per kind of key (no concatenated keys to build and hash)
  const byUrl = new Map<string, number>();
  const byFingerprint = new Map<string, number>();
  const link = (firstWith: Map<string, number>, key: string, i: number) => {
    const seen = firstWith.get(key);
    if (seen === undefined) firstWith.set(key, i);
    else union(seen, i);
  };
  const coarseLoose = new Set<string>();
  return {
    add(jobs) {
      for (const job of jobs) {
        const identity = jobIdentity(job);
        const i = items.length;
        items.push({ job, identity });
        parent.push(i);
        if (identity.canonicalUrl) link(byUrl, identity.canonicalUrl, i);
        link(byFingerprint, identity.fingerprint, i);
        if (identity.locationIsCoarse) coarseLoose.add(identity.looseFingerprint);
      }
    },
    groups() {
      joinLoose(items, coarseLoose, union);
      const groups = new Map<number, IdentifiedJob[]>();
      items.forEach((item, i) => {
        const root = find(parent, i);
        const list = groups.get(root);
        if (list) list.push(item);
        else groups.set(root, [item]);
      });
      return [...groups.values()].map((members) => ({
        members: members.length > 1
          ? members.sort((a, b) => completeness(b.job) - completeness(a.job))
          : members,
      }));
    },
  };
}

/**
 * Loose matches: a coarse posting joins the one job its loose key points to in a country that
 * does not contradict it. When that key points to several cities, the match is ambiguous and
 * nothing is joined: a "Germany" posting must not weld a Berlin and a Hamburg job together.
 * Only loose keys that a coarse posting has are looked at.
 */
function joinLoose(
  items: readonly IdentifiedJob[],
  coarseLoose: ReadonlySet<string>,
  union: (a: number, b: number) => void,
): void {
  if (coarseLoose.size === 0) return;
  const byLoose = new Map<string, number[]>();
  items.forEach(({ identity }, i) => {
    if (!coarseLoose.has(identity.looseFingerprint)) return;
    const list = byLoose.get(identity.looseFingerprint);
    if (list) list.push(i);
    else byLoose.set(identity.looseFingerprint, [i]);
  });
  for (const members of byLoose.values()) {
    if (members.length < 2) continue;
    for (const a of members) {
      if (!items[a].identity.locationIsCoarse) continue;
      const compatible = members.filter((b) =>
        b !== a && countriesCompatible(items[a].job, items[b].job)
      );
      const cities = compatible.filter((b) => !items[b].identity.locationIsCoarse);
      const distinct = new Set(cities.map((b) => items[b].identity.fingerprint));
      if (distinct.size === 1) union(a, cities[0]);
      else if (distinct.size === 0) { for (const b of compatible) union(a, b); }
    }
  }
}

function countriesCompatible(a: CanonicalJob, b: CanonicalJob): boolean {
  const ca = a.location.country;
  const cb = b.location.country;
  return !ca || !cb || ca === cb;
}
