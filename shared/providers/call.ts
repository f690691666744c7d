/**
 * One resilient provider call: the retry loop. Each attempt passes the gate (`gate.ts`: pause,
 * retry wait, deadline, limiter, shared rate slot, monthly budget), has a usage-ledger row
 * written before it leaves, and its answer read into a typed outcome (`answer.ts`); what the
 * answer stops is in `stops.ts`. Retried with exponential backoff and jitter on 429/5xx/network
 * errors (Retry-After wins; a longer wait than a worker makes is handed back as the time to ask
 * again), a cut-off body at once. The caller's `parse` validates the body.
 *
 * @module
 */
import { PROVIDER_NAMES } from "../vocabulary.ts";
import { type Answer, billed, describeAnswer, exchange, outcomeOf, retryOf } from "./answer.ts";
import { type CallPass, type GateDecision, type GateStop, mayCall } from "./gate.ts";
import type { CallOutcome, UsageResult, UsageRow } from "./ledger.ts";
import { type QuotaSnapshot, readQuota, type Refusal } from "./rapidapi.ts";
import { type ProviderSession, stopProvider } from "./session.ts";
import { budgetStop, stopForAnswer } from "./stops.ts";
import type { CallContext } from "./types.ts";

export { InvalidResponseError } from "./answer.ts";

/** What a call asks for. */
export interface CallRequest<T> {
  /** Path under the base URL, e.g. "/search". */
  endpoint: string;
  params: Record<string, string>;
  /** Request credits a successful answer costs (JSearch bills multi-page calls ×2/×3). */
  credits: number;
  /** Most records the answer can hold (Active Jobs DB bills each as a job credit). */
  records?: number;
  /** Validates the JSON body; returns the value and the number of records it holds. */
  parse(body: unknown): { value: T; records: number };
  context: CallContext;
}

/**
 * The ledger row of an answered call, still `pending`: whoever stores the answer completes it
 * in the same transaction ({@link completeUsage} otherwise).
 */
export interface AnsweredUsage {
  row: UsageRow;
  result: UsageResult;
}

/** A successful call. */
export interface CallSuccess<T> {
  ok: true;
  value: T;
  status: number;
  quota: QuotaSnapshot;
  attempts: number;
  /** Request credits billed over all attempts. */
  credits: number;
  usage: AnsweredUsage;
}

/** A failed call. */
export interface CallFailure {
  ok: false;
  outcome: CallOutcome;
  /** A sentence a person can act on. */
  error: string;
  status: number | null;
  /** What the provider refused, when the last answer was a refusal. */
  refusal: Refusal | null;
  attempts: number;
  /** Request credits billed over all attempts (a malformed 200 is still billed). */
  credits: number;
  /** No HTTP call was made: the provider was already stopped. */
  skipped: boolean;
  /**
   * The page is to be asked again, not before this: the provider asked for a longer wait than
   * this run makes (Retry-After), or the invocation's deadline came. Not a failure of the page.
   */
  retryAt?: Date;
}

/** An attempt that left: its answer and its ledger row with what completes it. */
interface Made<T> extends AnsweredUsage {
  answer: Answer<T>;
}

/** The gate's answer once its waits are spent. */
type Passed = Exclude<GateDecision, { kind: "wait" }>;

/** An attempt that did not leave: its ledger row could not be written. */
type NotSent = { reason: "row_unwritten"; cause: string };

/** Why no request left: the gate's stop, or a ledger row that could not be written. */
type NotMade = GateStop | NotSent;

/** A failure before the tally of attempts and credits is added. */
type Failed = Omit<CallFailure, "attempts" | "credits">;

/** The wait before retry number `retry` (1-based): Retry-After, else backoff with jitter. */
function retryDelay(session: ProviderSession, retry: number, retryAfter: number | null): number {
  if (retryAfter !== null) return retryAfter;
  const { baseDelayMs, maxDelayMs } = session.settings.retry;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  // "equal jitter": half fixed, half random, so retries of parallel calls spread out
  return ceiling / 2 + session.random() * (ceiling / 2);
}

/** Completes an answered call's ledger row outside any page transaction; never throws. */
export async function completeUsage(session: ProviderSession, usage: AnsweredUsage): Promise<void> {
  await session.ledger.complete(usage.row, usage.result).catch((error) =>
    console.error(
      `Cannot complete usage row ${usage.row.id} (${usage.result.outcome}); it stays pending ` +
        `and the sweep counts it as possibly billed: ${(error as Error).message}`,
    )
  );
}

/** Asks the gate until it says go or stop, spending the waits it hands back. */
async function passGate<T>(
  session: ProviderSession,
  request: CallRequest<T>,
  retry: number,
  last: Made<T> | null,
): Promise<Passed> {
  const asked = last ? retryOf(last.answer) : null;
  let waitMs = retry > 0 && asked?.retry ? retryDelay(session, retry, asked.afterMs) : 0;
  for (;;) {
    const decision = await mayCall(session, {
      credits: request.credits,
      records: request.records ?? 0,
      waitMs,
      retrying: last !== null,
    });
    if (decision.kind !== "wait") return decision;
    await session.sleep(decision.ms);
    waitMs = 0;
  }
}

/** Writes the attempt's `pending` ledger row; without it no call leaves. */
async function openRow<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<UsageRow | NotSent> {
  try {
    return await session.ledger.open({
      runId: request.context.runId ?? null,
      combinationId: request.context.combinationId ?? null,
      provider: session.provider,
      endpoint: request.endpoint,
      params: request.params,
      credits: request.credits,
    });
  } catch (error) {
    return { reason: "row_unwritten", cause: (error as Error).message };
  }
}

/** What the session learns from an answer: the quota, a 429's time, what it stops. */
function noteAnswer<T>(session: ProviderSession, endpoint: string, answer: Answer<T>): void {
  if (answer.quota) session.quota = answer.quota;
  if (answer.status === 429) session.lastThrottledAt = session.clock();
  stopForAnswer(session, endpoint, answer);
}

/**
 * One attempt with the gate's pass: its ledger row written, then the request sent and the
 * answer read; what it did not spend is given back.
 */
async function attempt<T>(
  session: ProviderSession,
  request: CallRequest<T>,
  pass: CallPass,
): Promise<Made<T> | NotSent> {
  const row = await openRow(session, request);
  if ("reason" in row) {
    await pass.done({ credits: 0, records: 0 });
    return row;
  }
  // should anything throw once the request left, the reservation stays spent
  let spent = { credits: request.credits, records: request.records ?? 0 };
  const startedAt = performance.now();
  let answer: Answer<T>;
  try {
    answer = await exchange(session, request);
    noteAnswer(session, request.endpoint, answer);
    spent = billed(request, answer);
  } finally {
    await pass.done(spent);
  }
  const result: UsageResult = {
    httpStatus: answer.status,
    outcome: outcomeOf(answer),
    error: describeAnswer(session, request.endpoint, answer),
    credits: spent.credits,
    jobsReturned: spent.records,
    quota: answer.quota,
    durationMs: performance.now() - startedAt,
  };
  return { answer, row, result };
}

/** The failure of an attempt that was not made (a spent budget has stopped the provider). */
function notMade<T>(session: ProviderSession, stop: NotMade, last: Made<T> | null): Failed {
  const name = PROVIDER_NAMES[session.provider];
  const base = { ok: false as const, status: last?.answer.status ?? null, refusal: null };
  const lastError = last?.result.error;
  switch (stop.reason) {
    case "paused":
    case "budget_spent": {
      const stopped = stop.reason === "paused" ? stop.stopped : session.stopped!;
      return { ...base, outcome: stopped.outcome, error: stopped.message, skipped: !last };
    }
    case "budget_unchecked":
      return {
        ...base,
        outcome: "not_sent",
        error: `${name} was not called: its monthly budget could not be checked ` +
          `(${stop.cause}), and no call leaves without it`,
        skipped: false,
      };
    case "row_unwritten":
      return {
        ...base,
        outcome: "not_sent",
        error: `${name} was not called: its usage row could not be written (${stop.cause}), ` +
          "and no call leaves without one",
        skipped: false,
      };
    case "retry_after":
      return {
        ...base,
        outcome: last?.result.outcome ?? "rate_limited",
        error: `${lastError}; the provider asks to wait ${Math.round(stop.waitMs / 1000)} s, ` +
          `longer than the ${session.settings.retry.maxDelayMs / 1000} s a worker waits: the ` +
          `page waits until ${stop.retryAt.toISOString()}`,
        skipped: false,
        retryAt: stop.retryAt,
      };
    case "deadline": {
      const why = {
        before_call: "before this call",
        while_retrying: `while retrying (${lastError})`,
        before_retry: `before the retry (${lastError})`,
      }[stop.when];
      return {
        ...base,
        outcome: "timeout",
        error: `${name}: the invocation's deadline came ${why}; the page is asked again by a ` +
          "later invocation",
        skipped: false,
        retryAt: stop.retryAt,
      };
    }
  }
}

/** The failure of a call whose attempts were all made, or whose answer ended it. */
function gaveUp<T>(session: ProviderSession, last: Made<T> | null, attempts: number): Failed {
  const note = attempts > 1 ? ` (gave up after ${attempts} attempts)` : "";
  return {
    ok: false,
    outcome: last?.result.outcome ?? "network_error",
    error: session.stopped?.message ?? `${last?.result.error ?? "no attempt was made"}${note}`,
    status: last?.answer.status ?? null,
    refusal: last?.answer.kind === "refused" ? last.answer.refusal : null,
    skipped: false,
  };
}

/**
 * Makes the call, retrying what is worth retrying. Every attempt has an `api_usage` row before
 * it leaves; a failed attempt's row is completed here, an answered one's by whoever stores the
 * answer (`usage`). Never throws for provider trouble; returns a {@link CallFailure} instead.
 */
export async function callProvider<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<CallSuccess<T> | CallFailure> {
  const tally = { attempts: 0, credits: 0 };
  let last: Made<T> | null = null;
  for (let retry = 0; retry <= session.settings.retry.maxRetries; retry++) {
    const gate: Passed = await passGate(session, request, retry, last);
    if (gate.kind === "stop") {
      if (gate.stop.reason === "budget_spent") {
        stopProvider(session, budgetStop(session, request.credits, request.records ?? 0));
      }
      return { ...notMade(session, gate.stop, last), ...tally };
    }
    const made: Made<T> | NotSent = await attempt(session, request, gate.pass);
    if ("reason" in made) return { ...notMade(session, made, last), ...tally };
    tally.attempts++;
    tally.credits += made.result.credits;
    last = made;
    const { answer, row, result } = made;
    if (answer.kind === "page") {
      const quota = answer.quota ?? readQuota(new Headers());
      const usage = { row, result };
      return { ok: true, value: answer.value, status: answer.status, quota, ...tally, usage };
    }
    await completeUsage(session, made);
    if (!retryOf(answer).retry) break;
  }
  return { ...gaveUp(session, last, tally.attempts), ...tally };
}
