// "Your searches": what the CV became (title × place × filters), editable. A search whose jobs
// are still being fetched says so, and the panel looks again until they are there.
import { callFunction } from "./api.js";
import { byId, h, showError } from "./dom.js";
import { poller } from "./poll.js";
import {
  EMPLOYMENT_TYPES,
  INDUSTRIES,
  labelOf,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
} from "./vocabulary.js";

/** Each filter: its field, its name on the page, and its [value, label] list. */
const FILTERS = [
  ["ai_work_arrangement", "Arrangement", WORK_ARRANGEMENTS],
  ["ai_employment_type", "Employment", EMPLOYMENT_TYPES],
  ["ai_seniority", "Experience", SENIORITY_LEVELS],
  ["ai_industry", "Industry", INDUSTRIES],
];
const FETCHING = new Set(["untracked", "pending", "claimed"]);

function stateText(search) {
  if (search.waits_for_allowance_until) {
    const at = new Date(search.waits_for_allowance_until).toLocaleString([], {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    return `waits for your allowance of new searches: from ${at}`;
  }
  if (search.state === "backfilled") {
    return `${search.job_count} ${search.job_count === 1 ? "job" : "jobs"}`;
  }
  if (search.state === "failed") return "fetching failed, retrying";
  if (search.state === "waiting") {
    return `${search.job_count} ${search.job_count === 1 ? "job" : "jobs"} so far, more later`;
  }
  return "fetching jobs…";
}

function searchForm(values, { submitText, onSubmit, onCancel }) {
  const form = h(
    "form",
    { class: "search-form" },
    h(
      "label",
      {},
      "Job title",
      h("input", {
        name: "title_keyword",
        required: true,
        minlength: 2,
        maxlength: 80,
        value: values.title_keyword ?? "",
        placeholder: "e.g. Data Engineer",
      }),
    ),
    h(
      "label",
      {},
      "Place",
      h("input", {
        name: "location",
        required: true,
        minlength: 2,
        maxlength: 80,
        value: values.location ?? "",
        placeholder: "e.g. Berlin or Germany",
      }),
    ),
    FILTERS.map(([field, title, list]) =>
      h(
        "label",
        {},
        title,
        h(
          "select",
          { name: field },
          h("option", { value: "" }, "Any"),
          list.map(([value, text]) =>
            h("option", { value, selected: values[field] === value }, text)
          ),
        ),
      )
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, submitText),
      onCancel
        ? h("button", { type: "button", class: "quiet", onclick: onCancel }, "Cancel")
        : null,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const fields = {};
    for (const [key, value] of data.entries()) fields[key] = value === "" ? null : value;
    onSubmit(fields);
  });
  return form;
}

/** The searches panel. `onChanged()` runs when the jobs behind them changed. */
export function searchesPanel({ session, onChanged }) {
  const list = byId("search-list");
  const error = byId("search-error");
  const addSlot = byId("add-search-slot");
  const addBox = byId("add-search");
  let lastJobs = null;

  const run = async (work) => {
    showError(error, "");
    try {
      await work();
    } catch (e) {
      showError(error, e.message);
    }
  };
  const poll = poller(() => run(refresh), { first: 2000 });
  // the user changed something: look again soon
  const changed = async () => {
    poll.reset();
    await refresh();
  };

  function item(search) {
    const summary = [search.title_keyword, search.location].concat(
      FILTERS.filter(([field]) => search[field]).map(([field, , list]) =>
        labelOf(list, search[field])
      ),
    );
    const li = h(
      "li",
      { class: "search", dataset: { searchId: search.id, state: search.state } },
      h(
        "div",
        { class: "search-head" },
        h("span", { class: "search-summary" }, summary.join(" · ")),
        h("span", { class: `badge state-${search.state}` }, stateText(search)),
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "quiet", onclick: () => edit(li, search) }, "Edit"),
        h("button", {
          type: "button",
          class: "quiet",
          onclick: () =>
            run(async () => {
              await callFunction(session.client, `searches/${search.id}`, { method: "DELETE" });
              await changed();
              onChanged();
            }),
        }, "Remove"),
      ),
    );
    return li;
  }

  function edit(li, search) {
    li.replaceChildren(searchForm(search, {
      submitText: "Save",
      onCancel: () => refresh(),
      onSubmit: (fields) =>
        run(async () => {
          await callFunction(session.client, `searches/${search.id}`, {
            method: "PATCH",
            body: fields,
          });
          await changed();
          onChanged();
        }),
    }));
  }

  async function refresh() {
    const answer = await callFunction(session.client, "searches");
    list.replaceChildren(
      ...(answer.searches.length > 0
        ? answer.searches.map(item)
        : [h("li", { class: "hint" }, "No searches yet: they come from your CV.")]),
    );
    const jobs = answer.searches.map((s) => `${s.id}:${s.state}:${s.job_count}`).join(",");
    if (lastJobs !== null && jobs !== lastJobs) onChanged();
    lastJobs = jobs;
    if (
      answer.searches.some((s) =>
        FETCHING.has(s.state) || s.state === "failed" || s.state === "waiting"
      )
    ) poll.again();
    else poll.stop();
  }

  addSlot.replaceChildren(searchForm({}, {
    submitText: "Add search",
    onSubmit: (fields) =>
      run(async () => {
        await callFunction(session.client, "searches", { method: "POST", body: fields });
        addBox.open = false;
        addSlot.querySelector("form").reset();
        await changed();
      }),
  }));

  return { refresh: changed };
}
