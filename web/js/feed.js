// "Your jobs": the ranked feed with its reasons, filters, paging, and hiding a job or a company
// (with an undo).
import { callFunction } from "./api.js";
import { byId, h, showError } from "./dom.js";
import { EMPLOYMENT_TYPES, labelOf, SALARY_PERIODS, WORK_ARRANGEMENTS } from "./vocabulary.js";

const PAGE = 20;

function salary(job) {
  if (job.salary_min === null && job.salary_max === null) return null;
  const format = (value) => {
    try {
      return new Intl.NumberFormat(undefined, {
        style: job.salary_currency ? "currency" : "decimal",
        currency: job.salary_currency ?? undefined,
        notation: Number(value) >= 10_000 ? "compact" : "standard",
        minimumFractionDigits: 0,
        maximumFractionDigits: Number(value) >= 10_000 ? 1 : 0,
      }).format(Number(value));
    } catch {
      return String(value);
    }
  };
  const range = [job.salary_min, job.salary_max].filter((v) => v !== null).map(format);
  const per = job.salary_period ? ` / ${labelOf(SALARY_PERIODS, job.salary_period)}` : "";
  return `${[...new Set(range)].join("–")}${per}`;
}

function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
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

  async function hide(body, what) {
    showError(error, "");
    try {
      await callFunction(session.client, "feed/hide", { method: "POST", body });
      const undo = h("button", {
        type: "button",
        class: "link",
        onclick: async () => {
          try {
            await callFunction(session.client, "feed/hide", { method: "DELETE", body });
            await refresh();
          } catch (e) {
            showError(error, e.message);
          }
        },
      }, "Undo");
      await refresh();
      empty.hidden = false;
      empty.replaceChildren(`Hid ${what}. `, undo);
    } catch (e) {
      showError(error, e.message);
    }
  }

  function item(job) {
    const url = safeUrl(job.apply_url);
    const place = [job.location_city, job.location_country].filter(Boolean).join(", ");
    const meta = [
      job.company,
      place,
      job.work_arrangement && labelOf(WORK_ARRANGEMENTS, job.work_arrangement),
      job.employment_type && labelOf(EMPLOYMENT_TYPES, job.employment_type),
      salary(job),
    ].filter(Boolean);
    return h(
      "li",
      { class: "job", dataset: { jobId: job.job_id } },
      h(
        "div",
        { class: "job-head" },
        url
          ? h("a", { class: "job-title", href: url, target: "_blank", rel: "noopener" }, job.title)
          : h("span", { class: "job-title" }, job.title),
        h("span", { class: "score", title: "How well it matches your CV, out of 100" }, job.score),
      ),
      h("div", { class: "meta" }, meta.join(" · ")),
      h("p", { class: "reason" }, job.reason),
      h(
        "div",
        { class: "actions" },
        job.is_new ? h("span", { class: "badge new" }, "New") : null,
        h("button", {
          type: "button",
          class: "quiet",
          onclick: () => hide({ job_id: Number(job.job_id) }, `“${job.title}”`),
        }, "Hide job"),
        job.company
          ? h("button", {
            type: "button",
            class: "quiet",
            onclick: () => hide({ company: job.company }, `every job of ${job.company}`),
          }, "Hide company")
          : null,
      ),
    );
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
    const shown = list.children.length;
    count.textContent = shown > 0 ? `(${shown}${more.hidden ? "" : "+"})` : "";
    empty.hidden = shown > 0;
    empty.textContent = q.search || q.work_arrangement || q.only_new
      ? "No jobs match these filters."
      : "No jobs yet. They appear here once your searches have fetched them.";
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
    offset += PAGE;
    load({ append: true }).catch((e) => showError(error, e.message));
  });

  return { refresh };
}
