// "Your CV": upload a PDF with a progress bar, then watch it being read
// (uploaded → parsing → parsed | failed, with the reason).
import { callFunction, uploadWithProgress } from "./api.js";
import { ago, byId, fileSize, h, showError } from "./dom.js";
import { poller } from "./poll.js";

const MAX_BYTES = 10 * 1024 * 1024;
const STATUS_TEXT = {
  uploaded: "Uploaded, waiting to be read",
  parsing: "Reading your CV…",
  parsed: "Read",
  failed: "Could not be read",
};

/** A Storage key for the file: the user's folder, a plain version of the file's name. */
function objectPath(userId, fileName) {
  const base = fileName.replace(/\.pdf$/i, "").normalize("NFKD").replace(/[^\w.-]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 80) || "cv";
  return `${userId}/${base}.pdf`;
}

function cvItem(cv) {
  const detail = cv.status === "failed"
    ? cv.error
    : cv.status === "parsed"
    ? `${cv.active_searches} active ${cv.active_searches === 1 ? "search" : "searches"}`
    : null;
  return h(
    "li",
    { class: `cv status-${cv.status}`, dataset: { cvId: cv.id, status: cv.status } },
    h(
      "div",
      { class: "cv-head" },
      h("strong", { class: "cv-name" }, cv.file_name),
      h("span", { class: `badge status-${cv.status}` }, STATUS_TEXT[cv.status] ?? cv.status),
    ),
    h(
      "div",
      { class: "meta" },
      [fileSize(cv.size_bytes), `uploaded ${ago(cv.created_at)}`]
        .filter(Boolean).join(" · "),
    ),
    detail ? h("p", { class: cv.status === "failed" ? "cv-error" : "cv-detail" }, detail) : null,
  );
}

/**
 * The CV panel. `onParsed()` runs when a CV finishes reading (its searches changed).
 * Returns { refresh() }.
 */
export function cvPanel({ session, config, onParsed }) {
  const form = byId("upload-form");
  const input = byId("cv-file");
  const button = byId("upload-button");
  const progress = byId("upload-progress");
  const bar = byId("upload-bar");
  const percent = byId("upload-percent");
  const error = byId("upload-error");
  const list = byId("cv-list");
  const poll = poller(() => refresh().catch((e) => showError(error, e.message)));
  let seen = new Map();
  let loaded = false;

  async function refresh() {
    const { cvs } = await callFunction(session.client, "cvs", { query: { limit: 5 } });
    const before = seen;
    seen = new Map(cvs.map((cv) => [cv.id, cv.status]));
    list.replaceChildren(
      ...(cvs.length > 0
        ? cvs.map(cvItem)
        : [h("li", { class: "hint" }, "No CV yet. Upload one to get your searches.")]),
    );
    if (loaded && cvs.some((cv) => cv.status === "parsed" && before.get(cv.id) !== "parsed")) {
      onParsed();
    }
    loaded = true;
    const busy = cvs.some((cv) => cv.status === "uploaded" || cv.status === "parsing");
    if (busy) poll.again();
    else poll.stop();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, "");
    const file = input.files?.[0];
    if (!file) return showError(error, "Choose your CV first (a PDF).");
    if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
      return showError(error, `${file.name} is not a PDF. Export your CV as PDF and upload that.`);
    }
    if (file.size > MAX_BYTES) {
      return showError(error, `${file.name} is ${fileSize(file.size)}; the limit is 10 MB.`);
    }
    button.disabled = true;
    progress.hidden = false;
    const show = (fraction) => {
      bar.value = Math.round(fraction * 100);
      percent.textContent = `${Math.round(fraction * 100)} %`;
    };
    show(0);
    try {
      await uploadWithProgress({
        url: config.supabaseUrl,
        anonKey: config.anonKey,
        token: await session.token(),
        bucket: "cvs",
        path: objectPath(session.user.id, file.name),
        file: new File([file], file.name, { type: "application/pdf" }),
        onProgress: show,
      });
      form.reset();
      poll.reset();
      await refresh();
    } catch (e) {
      showError(error, e.message);
    } finally {
      button.disabled = false;
      setTimeout(() => (progress.hidden = true), 1500);
    }
  });

  return { refresh };
}
