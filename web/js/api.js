// The page's two ways to the backend, both of which exist locally and on Supabase: Edge
// Functions (through supabase-js) and Storage's object endpoint (an upload with progress).

let onUnauthorized = () => {};

/** What to do when a function says the caller is not signed in (an expired token). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * Calls Edge Function `name` (a path below it may follow: "searches/12") with supabase-js.
 * Returns the JSON answer; throws an Error carrying the function's own message.
 */
export async function callFunction(client, name, { method = "GET", body, query } = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "" && value !== false) {
      params.set(key, String(value));
    }
  }
  const path = params.size > 0 ? `${name}?${params}` : name;
  const { data, error } = await client.functions.invoke(path, { method, body });
  if (!error) return data;
  let message = error.message;
  const response = error.context;
  if (response && typeof response.json === "function") {
    const answer = await response.json().catch(() => null);
    if (answer?.error) message = answer.error;
    if (response.status === 401) onUnauthorized(message);
  }
  throw new Error(message);
}

/**
 * One job's description as plain text and the link to its posting: { description, url }, either
 * null. Throws with the function's message (e.g. when the job left the caller's feed).
 */
export function jobDescription(client, jobId) {
  return callFunction(client, `feed/jobs/${encodeURIComponent(jobId)}/description`);
}

/**
 * Uploads `file` to Storage at `bucket/path` the way supabase-js does (POST, x-upsert), with an
 * XMLHttpRequest so that `onProgress(fraction)` can follow it. Resolves with Storage's answer;
 * rejects with Storage's message.
 */
export function uploadWithProgress({ url, anonKey, token, bucket, path, file, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const key = path.split("/").map(encodeURIComponent).join("/");
    xhr.open("POST", `${url}/storage/v1/object/${bucket}/${key}`);
    xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.setRequestHeader("apikey", anonKey);
    xhr.setRequestHeader("x-upsert", "true");
    xhr.setRequestHeader("cache-control", "max-age=3600");
    xhr.setRequestHeader("content-type", file.type || "application/pdf");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: reported below by status
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(answer);
      } else {
        const reason = answer?.message ?? answer?.error ?? xhr.statusText;
        reject(new Error(`Upload of ${file.name} failed: ${reason}`));
      }
    });
    xhr.addEventListener("error", () => {
      reject(new Error(`Upload of ${file.name} failed: the connection broke. Try again.`));
    });
    xhr.send(file);
  });
}
