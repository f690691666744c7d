// "Your jobs": the ranked feed with its reasons, filters, paging, and hiding a job or a company
// (with an undo in the card's place).
import { callFunction, jobDescription } from "./api.js";
import { byId, h, showError } from "./dom.js";
import { salary } from "./salary.js";
import { EMPLOYMENT_TYPES, labelOf, WORK_ARRANGEMENTS } from "./vocabulary.js";

const PAGE = 20;
/** Skills a card lists on each line; the rest is counted ("3 more"). */
const SKILLS_SHOWN = 6;

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * Fills a card's opened "Description" once: "Loading…", then the text (as text, never HTML; its
 * line breaks kept by CSS) and a link to the original posting, or the error in words with a way
 * to try again on the next open.
 */
async function fillDescription(details, body, client, job) {
  if (details.dataset.state === "loading" || details.dataset.state === "done") return;
  details.dataset.state = "loading";
  body.replaceChildren(h("p", { class: "description-note", role: "status" }, "Loading…"));
  try {
    const answer = await jobDescription(client, job.job_id);
    const url = safeUrl(answer?.url) ?? safeUrl(job.apply_url);
    const text = typeof answer?.description === "string" ? answer.description : "";
    const parts = [
      text
        ? h("div", { class: "description-text" }, text)
        : h("p", { class: "description-note" }, "This posting has no description."),
      url
        ? h(
          "a",
          { class: "description-link", href: url, target: "_blank", rel: "noopener" },
          "Read the original posting",
          h("span", { class: "visually-hidden" }, " (opens in a new tab)"),
        )
        : null,
    ];
    body.replaceChildren(...parts);
    details.dataset.state = "done";
  } catch (e) {
    body.replaceChildren(
      h(
        "p",
        { class: "description-note error", role: "alert" },
        `Could not load the description: ${
          String(e.message).replace(/\.\s*$/, "")
        }. Close and open it again to retry.`,
      ),
    );
    details.dataset.state = "failed";
  }
}

/** A card's "Description" disclosure; its text is fetched the first time it opens. */
function descriptionDisclosure(client, job) {
  const body = h("div", { class: "description-body" });
  const details = h(
    "details",
    { class: "description" },
    h("summary", {}, "Description"),
    body,
  );
  details.addEventListener("toggle", () => {
    if (details.open) fillDescription(details, body, client, job);
  });
  return details;
}

/** What an empty feed says: why nothing shows, and on a first visit why nothing is new. */
function emptyText(q, newSince) {
  if (q.only_new && !newSince && !q.search && !q.work_arrangement) {
    return "Nothing is new on a first visit. Next time, the jobs that arrived since are marked New.";
  }
  return q.search || q.work_arrangement || q.only_new
    ? "No jobs match these filters."
    : "No jobs yet. They appear here once your searches have fetched them.";
}

/** The feed panel: { refresh() }. */
export function feedPanel({ session }) {
  const filters = byId("feed-filters");
  const list = byId("feed-list");
  const more = byId("feed-more");
  const empty = byId("feed-empty");
  const count = byId("feed-count");
  const error = byId("feed-error");
  let offset = 0;
  let loading = null;
  filters.elements.work_arrangement.append(
    ...WORK_ARRANGEMENTS.map(([value, label]) => h("option", { value }, label)),
  );

  function query() {
    const data = new FormData(filters);
    return {
      limit: PAGE,
      offset,
      search: String(data.get("search") ?? "").trim(),
      work_arrangement: data.get("work_arrangement") || undefined,
      only_new: data.get("only_new") === "on",
    };
  }

  // what screen readers hear after hiding or undoing (focus moves to the Undo button too)
  const status = h("p", { id: "feed-status", class: "visually-hidden", role: "status" });
  list.after(status);

  function announce(message) {
    status.textContent = message;
  }

  /** The cards a reader can see (the server's offset counts these). */
  const shownCards = () => list.querySelectorAll("li.job:not([hidden])");

  function showCount() {
    const shown = shownCards().length;
    count.textContent = shown > 0 ? `(${shown}${more.hidden ? "" : "+"})` : "";
  }

  /**
   * Hides a job (or every job of its company) and puts, where its card was, a one-line row with
   * an Undo button that gets the focus; Undo puts the card back and focuses its button again.
   */
  async function hide(card, job, company, button) {
    const body = company ? { company: job.company } : { job_id: Number(job.job_id) };
    const what = company ? `every job of ${job.company}` : job.title;
    showError(error, "");
    button.disabled = true;
    try {
      await callFunction(session.client, "feed/hide", { method: "POST", body });
    } catch (e) {
      showError(error, e.message);
      return;
    } finally {
      button.disabled = false;
    }
    const others = company
      ? [...shownCards()].filter((li) => li !== card && li.dataset.company === job.company)
      : [];
    for (const li of others) li.hidden = true;
    const undo = h("button", { type: "button", class: "quiet undo" }, "Undo");
    const row = h(
      "li",
      { class: "job-hidden", dataset: { jobId: job.job_id } },
      h("span", { class: "job-hidden-what" }, `Hidden: ${what}`),
      h("span", { "aria-hidden": "true" }, " · "),
      undo,
    );
    undo.addEventListener("click", async () => {
      showError(error, "");
      undo.disabled = true;
      try {
        await callFunction(session.client, "feed/hide", { method: "DELETE", body });
      } catch (e) {
        undo.disabled = false;
        showError(error, e.message);
        return;
      }
      row.replaceWith(card);
      for (const li of others) li.hidden = false;
      showCount();
      button.focus();
      announce(
        company ? `Jobs of ${job.company} are back in your feed.` : `${what} is back in your feed.`,
      );
    });
    card.replaceWith(row);
    showCount();
    undo.focus();
    announce(
      company
        ? `Hid every job of ${job.company}${
          others.length ? ` (${others.length + 1} on this page)` : ""
        }. Undo is focused.`
        : `Hid ${what}. Undo is focused.`,
    );
  }

  /** A card's skills line: a visible label and the skills as a list, named for screen readers. */
  function skillList(kind, label, name, skills) {
    if (!Array.isArray(skills) || skills.length === 0) return null;
    const shown = skills.slice(0, SKILLS_SHOWN);
    const rest = skills.length - shown.length;
    return h(
      "div",
      { class: `skills ${kind}` },
      h("span", { class: "skills-label", "aria-hidden": "true" }, label),
      h(
        "ul",
        // role list: Safari drops a list's role when its markers are styled away
        { class: "chips", role: "list", "aria-label": name },
        ...shown.map((skill) => h("li", {}, skill)),
        rest > 0 ? h("li", { class: "more" }, `${rest} more`) : null,
      ),
    );
  }

  function item(job) {
    const url = safeUrl(job.apply_url);
    const place = [job.location_city, job.location_country].filter(Boolean).join(", ");
    const pay = salary(job);
    const meta = [
      job.company,
      place,
      job.work_arrangement && labelOf(WORK_ARRANGEMENTS, job.work_arrangement),
      job.employment_type && labelOf(EMPLOYMENT_TYPES, job.employment_type),
    ].filter(Boolean).map((text) => h("span", {}, text));
    if (pay) meta.push(h("span", { class: "salary" }, pay));
    const score = Number(job.score);
    const reason = String(job.reason ?? "").trim();
    const card = h("li", {
      class: "job",
      dataset: job.company ? { jobId: job.job_id, company: job.company } : { jobId: job.job_id },
    });
    const hideJob = h("button", { type: "button", class: "quiet" }, "Hide job");
    hideJob.addEventListener("click", () => hide(card, job, false, hideJob));
    const hideCompany = job.company
      ? h("button", { type: "button", class: "quiet" }, "Hide company")
      : null;
    hideCompany?.addEventListener("click", () => hide(card, job, true, hideCompany));
    card.append(
      h(
        "div",
        { class: "job-head" },
        url
          ? h("a", { class: "job-title", href: url, target: "_blank", rel: "noopener" }, job.title)
          : h("span", { class: "job-title" }, job.title),
        h("span", {
          class: "score",
          role: "img",
          "aria-label": `Match ${score} of 100`,
          title: `Match ${score} of 100: how well it fits your CV`,
        }, score),
      ),
      h("div", { class: "meta" }, meta.flatMap((part, i) => i ? [" · ", part] : [part])),
      reason ? h("p", { class: "reason" }, reason) : null,
      skillList("matched", "Your skills:", "Your skills this job asks for", job.matched_skills),
      skillList(
        "missing",
        "Asks for:",
        "Also asks for, not on your CV",
        job.missing_skills,
      ),
      descriptionDisclosure(session.client, job),
      h(
        "div",
        { class: "actions" },
        job.is_new ? h("span", { class: "badge new" }, "New") : null,
        hideJob,
        hideCompany,
      ),
    );
    return card;
  }

  async function load({ append = false } = {}) {
    showError(error, "");
    const q = query();
    // every read is part of a visit: reads less than 30 minutes apart are one visit, and "new"
    // is what entered the feed after the previous visit (public.mark_feed_visited)
    const answer = await callFunction(session.client, "feed", {
      query: { ...q, mark_visited: true },
    });
    const items = answer.jobs.map(item);
    if (append) list.append(...items);
    else list.replaceChildren(...items);
    more.hidden = answer.jobs.length < PAGE;
    showCount();
    showNewSince(answer.new_since);
    empty.hidden = list.children.length > 0;
    empty.textContent = emptyText(q, answer.new_since);
  }

  /** "New" is what arrived after the previous visit; a first visit has none. */
  function showNewSince(since) {
    byId("new-since").textContent = since
      ? `New since ${
        new Date(since).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })
      }`
      : "New since my last visit";
  }

  function refresh() {
    offset = 0;
    loading = load().catch((e) => showError(error, e.message));
    return loading;
  }

  let debounce = null;
  filters.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => refresh(), 300);
  });
  filters.addEventListener("submit", (event) => event.preventDefault());
  more.addEventListener("click", () => {
    // hidden jobs left the server's list: continue after the cards still shown
    offset = shownCards().length;
    load({ append: true }).catch((e) => showError(error, e.message));
  });

  return { refresh };
}
