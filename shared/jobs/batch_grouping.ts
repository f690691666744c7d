/**
 * Dedup inside one batch, before it reaches SQL: postings that share any identity key (same
 * provider id, canonical URL or strict fingerprint; or the same loose fingerprint when one of
 * them has a coarse location, the countries agree, and the key points to a single city) become
 * one group, stored as one job with several sources. SQL then matches each group against what is
 * already stored, by the same rules. The store groups only postings not stored before; the
 * stored ones it meets again are "witnesses" of their cities, so that a coarse posting is not
 * joined to one city's job while the batch also sees another city's.
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

/** A posting to group, with its place in the batch (which orders groups and breaks ties). */
export interface BatchPosting extends IdentifiedJob {
  index: number;
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
  const grouper = createJobGrouper();
  grouper.add(
    latestPerPosting(jobs).map((job, index) => ({ job, identity: jobIdentity(job), index })),
  );
  return grouper.groups();
}

/**
 * The last record of each provider posting, in the order postings first appear (a provider
 * repeating itself is one record).
 */
export function latestPerPosting(jobs: readonly CanonicalJob[]): CanonicalJob[] {
  const postings: CanonicalJob[] = [];
  const at = new Map<string, Map<string, number>>();
  for (const job of jobs) {
    let ids = at.get(job.provider);
    if (!ids) at.set(job.provider, ids = new Map());
    const index = ids.get(job.providerJobId);
    if (index === undefined) {
      ids.set(job.providerJobId, postings.length);
      postings.push(job);
    } else postings[index] = job;
  }
  return postings;
}

/** Groups postings as they arrive; see {@link createJobGrouper}. */
export interface JobGrouper {
  /** Adds postings to group; each provider posting once, in any order. */
  add(postings: Iterable<BatchPosting>): void;
  /**
   * Adds stored postings the batch saw again: they join no group, but a coarse posting is not
   * joined to another city's job when one of them is a city of its loose key.
   */
  witness(postings: Iterable<IdentifiedJob>): void;
  /**
   * The groups of everything added, in the order of their first posting; members most complete
   * first, then in batch order: the same whatever order postings were added in.
   */
  groups(): JobGroup[];
}

/**
 * An incremental {@link groupJobs}: identity keys are joined as postings are added (while
 * earlier work is in flight), and only the loose matches and the final groups wait for the
 * last posting.
 */
export function createJobGrouper(): JobGrouper {
  const items: BatchPosting[] = [];
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
  const witnesses: LooseCandidate[] = [];
  return {
    add(postings) {
      for (const posting of postings) {
        const i = items.length;
        items.push(posting);
        parent.push(i);
        const { identity } = posting;
        if (identity.canonicalUrl) link(byUrl, identity.canonicalUrl, i);
        link(byFingerprint, identity.fingerprint, i);
        if (identity.locationIsCoarse) coarseLoose.add(identity.looseFingerprint);
      }
    },
    witness(postings) {
      for (const { job, identity } of postings) {
        if (!identity.locationIsCoarse) {
          witnesses.push({ identity, country: job.location.country });
        }
      }
    },
    groups() {
      joinLoose(items, witnesses, coarseLoose, union);
      const groups = new Map<number, BatchPosting[]>();
      items.forEach((item, i) => {
        const root = find(parent, i);
        const list = groups.get(root);
        if (list) list.push(item);
        else groups.set(root, [item]);
      });
      return [...groups.values()]
        .map((members) =>
          members.length > 1
            ? members.sort((a, b) => completeness(b.job) - completeness(a.job) || a.index - b.index)
            : members
        )
        .sort((a, b) => firstIndex(a) - firstIndex(b))
        .map((members) => ({ members: members.map(({ job, identity }) => ({ job, identity })) }));
    },
  };
}

function firstIndex(members: readonly BatchPosting[]): number {
  let first = members[0].index;
  for (const member of members) first = Math.min(first, member.index);
  return first;
}

/** A posting a coarse one may be joined to, in the batch or stored: its keys and country. */
interface LooseCandidate {
  identity: JobIdentity;
  country: string | null;
}

/**
 * Loose matches: a coarse posting joins the one job its loose key points to in a country that
 * does not contradict it. When that key points to several cities, the match is ambiguous and
 * nothing is joined: a "Germany" posting must not weld a Berlin and a Hamburg job together.
 * Stored postings count as cities but join nothing here (SQL joins a coarse posting to the one
 * stored job its key points to). Only loose keys that a coarse posting has are looked at.
 */
function joinLoose(
  items: readonly BatchPosting[],
  witnesses: readonly LooseCandidate[],
  coarseLoose: ReadonlySet<string>,
  union: (a: number, b: number) => void,
): void {
  if (coarseLoose.size === 0) return;
  // batch postings by their index, stored ones as -1
  const byLoose = new Map<string, { at: number; candidate: LooseCandidate }[]>();
  const note = (key: string, at: number, candidate: LooseCandidate) => {
    if (!coarseLoose.has(key)) return;
    const list = byLoose.get(key);
    if (list) list.push({ at, candidate });
    else byLoose.set(key, [{ at, candidate }]);
  };
  items.forEach(({ identity, job }, i) =>
    note(identity.looseFingerprint, i, { identity, country: job.location.country })
  );
  for (const witness of witnesses) note(witness.identity.looseFingerprint, -1, witness);
  for (const members of byLoose.values()) {
    if (members.length < 2) continue;
    for (const a of members) {
      if (a.at < 0 || !a.candidate.identity.locationIsCoarse) continue;
      const compatible = members.filter((b) =>
        b !== a && countriesCompatible(a.candidate.country, b.candidate.country)
      );
      const cities = compatible.filter((b) => !b.candidate.identity.locationIsCoarse);
      const distinct = new Set(cities.map((b) => b.candidate.identity.fingerprint));
      if (distinct.size === 1) {
        const inBatch = cities.find((b) => b.at >= 0);
        if (inBatch) union(a.at, inBatch.at);
      } else if (distinct.size === 0) {
        for (const b of compatible) if (b.at >= 0) union(a.at, b.at);
      }
    }
  }
}

function countriesCompatible(a: string | null, b: string | null): boolean {
  return !a || !b || a === b;
}
