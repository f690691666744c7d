// "Your CV": drop or choose a PDF, which uploads at once with a progress bar, then watch it
// being read (uploaded → parsing → parsed | failed, with the reason), also said aloud.
import { callFunction, uploadWithProgress } from "./api.js";
import { ago, byId, h, showError } from "./dom.js";
import { poller } from "./poll.js";

const MAX_BYTES = 10 * 1024 * 1024;
const STATUS_TEXT = {
  uploaded: "Uploaded, waiting to be read",
  parsing: "Reading your CV…",
  parsed: "Read",
  failed: "Could not be read",
};

/** "50 bytes", "12.3 KB", "1.2 MB". */
export function sizeText(bytes) {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What changed about `cv`, in a sentence for the live region. */
function statusSentence(cv) {
  if (cv.status === "parsed") {
    return `${cv.file_name} was read: ${cv.active_searches} active ${
      cv.active_searches === 1 ? "search" : "searches"
    }.`;
  }
  if (cv.status === "failed") return `${cv.file_name} could not be read. ${cv.error ?? ""}`;
  if (cv.status === "parsing") return `Reading ${cv.file_name}…`;
  if (cv.status === "uploaded") return `${cv.file_name} uploaded, waiting to be read.`;
  return `${cv.file_name}: ${cv.status}`;
}

/** A Storage key for the file: the user's folder, a plain version of the file's name. */
function objectPath(userId, fileName) {
  const base = fileName.replace(/\.pdf$/i, "").normalize("NFKD").replace(/[^\w.-]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 80) || "cv";
  return `${userId}/${base}.pdf`;
}

const searchesText = (n) => `${n} ${n === 1 ? "search" : "searches"}`;

/** A question in place with two buttons; `yes` / `no` run on the choice. Focus goes to No. */
function confirmBox(question, yesLabel, yes, no) {
  const noButton = h("button", { type: "button", class: "quiet", onclick: no }, "Cancel");
  const box = h(
    "div",
    { class: "confirm", role: "group", "aria-label": question },
    h("p", {}, question),
    h("button", { type: "button", onclick: yes }, yesLabel),
    " ",
    noButton,
  );
  return { box, focus: () => noButton.focus() };
}

function cvItem(cv, onDelete) {
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
      [sizeText(cv.size_bytes), `uploaded ${ago(cv.created_at)}`]
        .filter(Boolean).join(" · "),
    ),
    detail ? h("p", { class: cv.status === "failed" ? "cv-error" : "cv-detail" }, detail) : null,
    h(
      "div",
      { class: "cv-actions" },
      h("button", {
        type: "button",
        class: "quiet cv-delete",
        "aria-label": `Delete ${cv.file_name}`,
        onclick: (event) => onDelete(cv, event.currentTarget),
      }, "Delete"),
    ),
  );
}

/**
 * The CV panel. `onParsed()` runs when a CV finishes reading (its searches changed).
 * Returns { refresh() }.
 */
export function cvPanel({ session, config, onParsed }) {
  const form = byId("upload-form");
  const zone = byId("cv-drop");
  const input = byId("cv-file");
  const progress = byId("upload-progress");
  const bar = byId("upload-bar");
  const percent = byId("upload-percent");
  const error = byId("upload-error");
  const status = byId("cv-status");
  const list = byId("cv-list");
  const poll = poller(() => refresh().catch((e) => showError(error, e.message)));
  let seen = new Map();
  let loaded = false;
  let busy = false;
  let current = [];
  const pending = h("div", { id: "upload-confirm" });
  error.before(pending);

  const announce = (text) => {
    status.textContent = "";
    setTimeout(() => (status.textContent = text), 100);
  };

  async function refresh() {
    const { cvs } = await callFunction(session.client, "cvs", { query: { limit: 5 } });
    const before = seen;
    current = cvs;
    seen = new Map(cvs.map((cv) => [cv.id, cv.status]));
    list.replaceChildren(
      ...(cvs.length > 0
        ? cvs.map((cv) => cvItem(cv, askDelete))
        : [h("li", { class: "hint" }, "No CV yet. Upload one to get your searches.")]),
    );
    if (loaded) {
      const news = cvs.filter((cv) => before.get(cv.id) !== cv.status);
      if (news.length > 0) announce(news.map(statusSentence).join(" "));
    }
    if (loaded && cvs.some((cv) => cv.status === "parsed" && before.get(cv.id) !== "parsed")) {
      onParsed();
    }
    loaded = true;
    const reading = cvs.some((cv) => cv.status === "uploaded" || cv.status === "parsing");
    if (reading) poll.again();
    else poll.stop();
  }

  /** "Delete <file> and its N searches?" in place of the button; deletes only on Delete. */
  function askDelete(cv, button) {
    const actions = button.parentElement;
    const question = cv.active_searches > 0
      ? `Delete ${cv.file_name} and its ${searchesText(cv.active_searches)}?`
      : `Delete ${cv.file_name}?`;
    const cancel = () => {
      actions.replaceChildren(button);
      button.focus();
      announce(`${cv.file_name} kept.`);
    };
    const confirm = confirmBox(question, "Delete", async () => {
      showError(error, "");
      try {
        const done = await callFunction(session.client, `cvs/${cv.id}`, { method: "DELETE" });
        announce(`Deleted ${cv.file_name}; ${searchesText(done.searches)} stopped.`);
        await refresh();
        onParsed();
        input.focus();
      } catch (e) {
        showError(error, e.message);
        cancel();
      }
    }, cancel);
    actions.replaceChildren(confirm.box);
    confirm.focus();
    announce(`${question} Delete or Cancel.`);
  }

  /** Uploads at once, or first says which searches it replaces and waits for Upload. */
  function chooseFile(file) {
    showError(error, "");
    pending.replaceChildren();
    const old = current.find((cv) => cv.status === "parsed" && cv.active_searches > 0);
    if (busy || !file || !old) return uploadFile(file);
    const question = `Uploading this CV replaces the ${
      searchesText(old.active_searches)
    } taken from ${old.file_name}.`;
    const confirm = confirmBox(question, "Upload", () => {
      pending.replaceChildren();
      uploadFile(file);
    }, () => {
      pending.replaceChildren();
      form.reset();
      input.focus();
      announce(`${file.name} not uploaded.`);
    });
    pending.replaceChildren(confirm.box);
    confirm.focus();
    announce(`${question} Upload or Cancel.`);
  }

  async function uploadFile(file) {
    showError(error, "");
    if (busy) return;
    if (!file) return showError(error, "Choose your CV first (a PDF).");
    if (!/\.pdf$/i.test(file.name) && file.type !== "application/pdf") {
      return showError(error, `${file.name} is not a PDF. Export your CV as PDF and upload that.`);
    }
    if (file.size > MAX_BYTES) {
      return showError(error, `${file.name} is ${sizeText(file.size)}; the limit is 10 MB.`);
    }
    busy = true;
    zone.setAttribute("aria-busy", "true");
    zone.classList.add("busy");
    progress.hidden = false;
    const show = (fraction) => {
      bar.value = Math.round(fraction * 100);
      percent.textContent = `${Math.round(fraction * 100)} %`;
    };
    show(0);
    announce(`Uploading ${file.name}…`);
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
      poll.reset();
      await refresh();
    } catch (e) {
      showError(error, e.message);
    } finally {
      // the same file can be chosen again
      form.reset();
      busy = false;
      zone.removeAttribute("aria-busy");
      zone.classList.remove("busy");
      setTimeout(() => (progress.hidden = true), 1500);
    }
  }

  // choosing a file uploads it: there is no second button to press
  input.addEventListener("change", () => {
    if (input.files?.length) chooseFile(input.files[0]);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    chooseFile(input.files?.[0]);
  });
  // or dropping one on the zone
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", (event) => {
    if (!zone.contains(event.relatedTarget)) zone.classList.remove("over");
  });
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const files = event.dataTransfer?.files;
    if (!files || files.length === 0) return;
    if (files.length > 1) return showError(error, "Drop one PDF at a time: your CV.");
    chooseFile(files[0]);
  });

  return { refresh };
}
