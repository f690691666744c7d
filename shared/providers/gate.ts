/**
 * Whether a provider call may leave now: one decision from every rule that can hold it, in this
 * order — the provider's pause, the wait before a retry (a Retry-After longer than a worker
 * waits hands the page to the database), the invocation's deadline, the in-process limiter, the
 * rate slot every invocation shares, and the monthly budget. The retry's wait is handed back for
 * the caller to spend (tests record it); the limiter and the rate slot are waited for here, and
 * always really.
 *
 * @module
 */
import type { ProviderSession, StopReason } from "./session.ts";

/** Less time than this before the deadline is not worth a call. */
const MIN_CALL_MS = 1000;

/** Slack per second of shared rate slots, in ms. */
const PACER_MARGIN_MS = 50;

/** What the gate is asked about. */
export interface GateAsk {
  /** Request credits the call costs if billed: reserved against the monthly budget. */
  credits: number;
  /** Job credits the answer may hold: reserved too. */
  records: number;
  /** The wait before this attempt (Retry-After or backoff); 0 for a first call, or once spent. */
  waitMs: number;
  /** An attempt of this call was made before. */
  retrying: boolean;
}

/** Why the call does not leave. */
export type GateStop =
  /** The provider is stopped for the run (a pause, a spent quota or budget, a refused key). */
  | { reason: "paused"; stopped: StopReason }
  /** The provider asks for a longer wait than a worker makes: the page waits until `retryAt`. */
  | { reason: "retry_after"; waitMs: number; retryAt: Date }
  /** The invocation's deadline comes first: a later invocation asks, not before `retryAt`. */
  | { reason: "deadline"; when: "before_call" | "while_retrying" | "before_retry"; retryAt: Date }
  /** The monthly budget has no room for the call: the provider stops until next month. */
  | { reason: "budget_spent" }
  /** The budget could not be read (the database): no call, and no pause either. */
  | { reason: "budget_unchecked"; cause: string };

/** A call that may leave: its limiter slot, rate slot and budget are taken. */
export interface CallPass {
  /** The month the budget reservation counts in; null without a budget. */
  month: string | null;
  /** Gives back what the call did not spend, then the limiter's slot. */
  done(spent: { credits: number; records: number }): Promise<void>;
}

/** The gate's decision. */
export type GateDecision =
  | { kind: "go"; pass: CallPass }
  /** Wait `ms` (until `until`), then ask again. */
  | { kind: "wait"; ms: number; until: Date }
  | { kind: "stop"; stop: GateStop };

/** The rules that hold a call before it queues for a slot. */
function holdBeforeSlot(session: ProviderSession, ask: GateAsk): GateDecision | null {
  const stop = (why: GateStop): GateDecision => ({ kind: "stop", stop: why });
  if (session.stopped) return stop({ reason: "paused", stopped: session.stopped });
  // the wait the provider asked for holds whatever else stops this worker: the page is asked
  // again after it, never sooner
  const retryAt = new Date(Date.now() + ask.waitMs);
  if (ask.waitMs > session.settings.retry.maxDelayMs) {
    return stop({ reason: "retry_after", waitMs: ask.waitMs, retryAt });
  }
  if (session.deadline !== null) {
    const latest = session.deadline - MIN_CALL_MS;
    if (session.clock() >= latest) {
      return stop({
        reason: "deadline",
        when: ask.retrying ? "while_retrying" : "before_call",
        retryAt,
      });
    }
    if (session.clock() + ask.waitMs >= latest) {
      return stop({ reason: "deadline", when: "before_retry", retryAt });
    }
  }
  return ask.waitMs > 0 ? { kind: "wait", ms: ask.waitMs, until: retryAt } : null;
}

/** Waits for the provider's next call slot shared by every invocation, if there is a pacer. */
async function takeRateSlot(session: ProviderSession): Promise<void> {
  if (!session.pacer || session.settings.requestsPerSecond <= 0) return;
  // slots a little wider than 1/rate: calls from several processes reach the gateway with
  // some jitter, and its window counts arrivals
  const interval = (1000 + PACER_MARGIN_MS) / session.settings.requestsPerSecond;
  const wait = await session.pacer(session.provider, interval)
    .catch(() => 0); // the local limiter still spaces this process's calls
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Reserves the call against the monthly budget: the month it counts in, or why not. */
async function reserveBudget(
  session: ProviderSession,
  ask: GateAsk,
): Promise<{ month: string | null } | GateStop> {
  if (!session.budget) return { month: null };
  try {
    const month = await session.budget.reserve(session.provider, ask.credits, ask.records);
    return month ? { month } : { reason: "budget_spent" };
  } catch (error) {
    return { reason: "budget_unchecked", cause: (error as Error).message };
  }
}

/** The rules that hold a call in its slot: the limiter, the shared rate slot, the budget. */
async function takeSlot(session: ProviderSession, ask: GateAsk): Promise<GateDecision> {
  const release = await session.limiter.acquire();
  let reserved: { month: string | null } | GateStop;
  try {
    // pace, then reserve just before the request leaves: a call queued behind the rate limit
    // holds no budget
    await takeRateSlot(session);
    reserved = await reserveBudget(session, ask);
  } catch (error) {
    release();
    throw error;
  }
  if ("reason" in reserved) {
    release();
    return { kind: "stop", stop: reserved };
  }
  const { month } = reserved;
  const done = async (spent: { credits: number; records: number }) => {
    try {
      if (month === null) return;
      const credits = ask.credits - spent.credits;
      const jobs = Math.max(0, ask.records - spent.records);
      await session.budget!.release(session.provider, month, credits, jobs)
        .catch(() => {/* a release that fails only leaves the budget stricter */});
    } finally {
      release();
    }
  };
  return { kind: "go", pass: { month, done } };
}

/** Decides whether the call may leave now; a `go` holds its slots until `pass.done`. */
export async function mayCall(session: ProviderSession, ask: GateAsk): Promise<GateDecision> {
  return holdBeforeSlot(session, ask) ?? await takeSlot(session, ask);
}
