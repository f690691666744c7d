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

/**
 * The two typed fields: their key, their name on the page, and an example. The server
 * (functions/searches/handler.ts) checks the same rules and says them in the same words.
 */
const LABEL_FIELDS = [
  ["title_keyword", "Job title", "Data Engineer"],
  ["location", "Location", "Berlin or Germany"],
];

/** What is wrong with `value` as the field `name` (as the server says it), or null. */
export function labelProblem(name, example, value) {
  const text = String(value ?? "").trim();
  if (text.length < 2) return `${name} must be 2 to 80 characters, e.g. ${example}.`;
  if (text.length > 80) return `${name} must be at most 80 characters.`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return `${name} contains control characters.`;
  if (!/\p{L}/u.test(text)) return `${name} must contain at least one letter.`;
  return null;
}

/** The title and the place as shown: as the person typed them ("SRE"), else the key title-cased. */
function shownLabels(search) {
  return [search.title_label, search.location_label];
}

/**
 * What the search looks for, when it differs from what was typed ("Sr. Data Engineer" searches
 * "data engineer"; "München" searches "munich"), or null.
 */
export function searchedAs(search) {
  const [title, place] = shownLabels(search);
  const differs = (shown, key) => shown.toLowerCase().replace(/\s+/g, " ") !== key;
  return differs(title, search.title_keyword) || differs(place, search.location)
    ? `searched as “${search.title_keyword}” in “${search.location}”`
    : null;
}

/** The summary of a search: its labels and the filters it sets. */
function summaryOf(search) {
  const filters = FILTERS.filter(([field]) => search[field]).map(([field, , list]) =>
    labelOf(list, search[field])
  );
  return [...shownLabels(search), ...filters].join(" · ");
}

/** Says `text` in the polite live region `element` (again, when it is the same text). */
function announce(element, text) {
  element.textContent = "";
  setTimeout(() => (element.textContent = text), 100);
}

let formCount = 0;

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
  const n = ++formCount;
  const errors = {};
  const typed = LABEL_FIELDS.map(([field, name, example]) => {
    const id = `search-${n}-${field}`;
    errors[field] = h("p", { id: `${id}-error`, class: "field-error", hidden: true });
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, name),
      h("input", {
        id,
        name: field,
        required: true,
        maxlength: 80,
        autocomplete: "off",
        "aria-describedby": `${id}-error`,
        value: values.id ? shownLabels(values)[field === "title_keyword" ? 0 : 1] : "",
        placeholder: `e.g. ${example}`,
      }),
      errors[field],
    );
  });
  const form = h(
    "form",
    { class: "search-form", novalidate: true },
    typed,
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
  // the server's rules, checked here first: the message next to its field, in words
  const check = (field) => {
    const [, name, example] = LABEL_FIELDS.find(([key]) => key === field);
    const input = form.elements[field];
    const problem = labelProblem(name, example, input.value);
    errors[field].textContent = problem ?? "";
    errors[field].hidden = !problem;
    if (problem) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    return problem;
  };
  for (const [field] of LABEL_FIELDS) {
    // once a field was found wrong, say as soon as it is right again
    form.elements[field].addEventListener("input", () => {
      if (form.elements[field].hasAttribute("aria-invalid")) check(field);
    });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const wrong = LABEL_FIELDS.map(([field]) => field).filter((field) => check(field));
    if (wrong.length > 0) return form.elements[wrong[0]].focus();
    const data = new FormData(form);
    const fields = {};
    for (const [key, value] of data.entries()) fields[key] = value === "" ? null : value;
    onSubmit(fields);
  });
  form.addEventListener("reset", () => {
    for (const [field] of LABEL_FIELDS) {
      errors[field].hidden = true;
      errors[field].textContent = "";
      form.elements[field].removeAttribute("aria-invalid");
    }
  });
  return form;
}

/** The searches panel. `onChanged()` runs when the jobs behind them changed. */
export function searchesPanel({ session, onChanged }) {
  const list = byId("search-list");
  const error = byId("search-error");
  const status = byId("search-status");
  const addSlot = byId("add-search-slot");
  const addBox = byId("add-search");
  let lastJobs = null;
  // searches removed on this page, still offered back: id → {search, index}
  const removed = new Map();

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
    const li = h(
      "li",
      { class: "search", dataset: { searchId: search.id, state: search.state } },
      h(
        "div",
        { class: "search-head" },
        h("span", { class: "search-summary" }, summaryOf(search)),
        h("span", { class: `badge state-${search.state}` }, stateText(search)),
      ),
      searchedAs(search) ? h("p", { class: "hint searched-as" }, searchedAs(search)) : null,
      h(
        "div",
        { class: "actions" },
        h("button", {
          type: "button",
          class: "quiet",
          "aria-label": `Edit ${summaryOf(search)}`,
          onclick: () => edit(li, search),
        }, "Edit"),
        h("button", {
          type: "button",
          class: "quiet",
          "aria-label": `Remove ${summaryOf(search)}`,
          onclick: () => remove(search, [...list.children].indexOf(li)),
        }, "Remove"),
      ),
    );
    return li;
  }

  /** The row a removed search leaves: "Removed: <label> · Undo". */
  function removedItem(search) {
    return h(
      "li",
      { class: "search removed", dataset: { removedId: search.id } },
      h("span", {}, "Removed: ", h("span", { class: "search-summary" }, summaryOf(search))),
      " · ",
      h("button", {
        type: "button",
        class: "link",
        "aria-label": `Undo: add ${summaryOf(search)} back`,
        onclick: () => undo(search),
      }, "Undo"),
    );
  }

  function remove(search, index) {
    return run(async () => {
      await callFunction(session.client, `searches/${search.id}`, { method: "DELETE" });
      removed.set(search.id, { search, index });
      announce(status, `Removed ${summaryOf(search)}. Undo is next to it.`);
      await changed();
      list.querySelector(`[data-removed-id="${search.id}"] button`)?.focus();
      onChanged();
    });
  }

  function undo(search) {
    return run(async () => {
      const fields = Object.fromEntries(
        FILTERS.map(([field]) => [field, search[field] ?? null]),
      );
      [fields.title_keyword, fields.location] = shownLabels(search);
      const answer = await callFunction(session.client, "searches", {
        method: "POST",
        body: fields,
      });
      removed.delete(search.id);
      announce(status, `${summaryOf(search)} is back.${answer.note ? ` ${answer.note}` : ""}`);
      await changed();
      list.querySelector(`[data-search-id="${answer.search.id}"] button`)?.focus();
      onChanged();
    });
  }

  function edit(li, search) {
    li.replaceChildren(searchForm(search, {
      submitText: "Save",
      onCancel: () => refresh(),
      onSubmit: (fields) =>
        run(async () => {
          const answer = await callFunction(session.client, `searches/${search.id}`, {
            method: "PATCH",
            body: fields,
          });
          removed.clear();
          announce(
            status,
            `Saved ${summaryOf(answer.search)}.${answer.note ? ` ${answer.note}` : ""}`,
          );
          await changed();
          onChanged();
        }),
    }));
    li.querySelector("input")?.focus();
  }

  async function refresh() {
    const answer = await callFunction(session.client, "searches");
    const items = answer.searches.map(item);
    for (const { search, index } of [...removed.values()].sort((a, b) => a.index - b.index)) {
      items.splice(Math.min(Math.max(index, 0), items.length), 0, removedItem(search));
    }
    // a look again must not take the focus away (from Undo, say)
    const active = document.activeElement;
    const row = list.contains(active) ? active.closest("li") : null;
    const where = row && active.tagName === "BUTTON"
      ? [row.dataset.searchId ?? "", row.dataset.removedId ?? "", active.textContent]
      : null;
    list.replaceChildren(
      ...(items.length > 0
        ? items
        : [h("li", { class: "hint" }, "No searches yet: they come from your CV.")]),
    );
    if (where) {
      const [searchId, removedId, text] = where;
      const again = [...list.querySelectorAll("li")].find((li) =>
        (li.dataset.searchId ?? "") === searchId && (li.dataset.removedId ?? "") === removedId
      );
      [...(again?.querySelectorAll("button") ?? [])].find((b) => b.textContent === text)?.focus();
    }
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
        const answer = await callFunction(session.client, "searches", {
          method: "POST",
          body: fields,
        });
        addBox.open = false;
        addSlot.querySelector("form").reset();
        removed.clear();
        announce(
          status,
          `Added ${summaryOf(answer.search)}.${answer.note ? ` ${answer.note}` : ""}`,
        );
        await changed();
      }),
  }));

  return { refresh: changed };
}
