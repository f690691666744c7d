/**
 * Document blocks (docs.anthropic.com/en/api/messages): validates a `document` block's source like
 * the API — `base64` (`application/pdf`), `text` (`text/plain`), `url`, `content` or `file` —
 * decodes it, and checks a PDF: not a PDF, encrypted, or unreadable answer 400.
 *
 * @module
 */
import { type ApiError, apiError, invalidRequest } from "./anthropic_errors.ts";
import { inspectPdf } from "./anthropic_pdf.ts";
import type { FakeDocument } from "./anthropic_types.ts";

/** Options of {@link readDocument}. */
export interface ReadDocumentOptions {
  /** Downloads a `url` source (default `fetch` with a 10 s timeout); undefined when it fails. */
  download?: (url: string) => Promise<Uint8Array | undefined>;
}

const SOURCE_TAGS = ["base64", "content", "file", "text", "url"];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64, or undefined when `data` is not base64. */
export function decodeBase64(data: string): Uint8Array | undefined {
  if (!BASE64.test(data) || data.length % 4 === 1) return undefined;
  try {
    const binary = atob(data);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

async function defaultDownload(url: string): Promise<Uint8Array | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

async function pdfDocument(
  bytes: Uint8Array,
  path: string,
  sourceType: string,
): Promise<FakeDocument | ApiError> {
  const where = `${path}.pdf.source.${sourceType}.data`;
  const inspection = await inspectPdf(bytes);
  if (inspection.kind === "invalid") {
    return invalidRequest(`${where}: The PDF specified was not valid.`);
  }
  if (inspection.kind === "encrypted") {
    return invalidRequest(
      `${where}: The PDF specified is password protected or encrypted. Only standard, ` +
        "unencrypted PDFs are supported.",
    );
  }
  return {
    path,
    sourceType,
    mediaType: "application/pdf",
    pages: inspection.pages,
    bytes: bytes.length,
    text: inspection.pageTexts.join("\n"),
  };
}

function contentText(content: unknown): string | ApiError {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return invalidRequest("content: Input should be a valid list");
  return content
    .map((block) => (isRecord(block) && block.type === "text" ? String(block.text ?? "") : ""))
    .filter((text) => text.length > 0)
    .join("\n");
}

/**
 * Reads the `document` block at `path` (e.g. `messages.0.content.1`): its decoded source and, for
 * a PDF, pages and text; or the 400 the API would answer.
 */
export async function readDocument(
  block: Record<string, unknown>,
  path: string,
  options: ReadDocumentOptions = {},
): Promise<FakeDocument | ApiError> {
  const source = block.source;
  const at = `${path}.document.source`;
  if (!isRecord(source)) return invalidRequest(`${at}: Field required`);
  const tag = source.type;
  if (typeof tag !== "string" || !SOURCE_TAGS.includes(tag)) {
    return invalidRequest(
      `${at}: Input tag '${String(tag)}' found using 'type' does not match any of the expected ` +
        `tags: ${SOURCE_TAGS.map((t) => `'${t}'`).join(", ")}`,
    );
  }
  switch (tag) {
    case "base64": {
      if (source.media_type !== "application/pdf") {
        return invalidRequest(`${at}.base64.media_type: Input should be 'application/pdf'`);
      }
      if (typeof source.data !== "string") {
        return invalidRequest(`${at}.base64.data: Field required`);
      }
      const bytes = decodeBase64(source.data);
      if (!bytes) return invalidRequest(`${path}.pdf.source.base64: invalid base64 data`);
      return await pdfDocument(bytes, path, "base64");
    }
    case "text": {
      if (source.media_type !== "text/plain") {
        return invalidRequest(`${at}.text.media_type: Input should be 'text/plain'`);
      }
      if (typeof source.data !== "string") return invalidRequest(`${at}.text.data: Field required`);
      const bytes = new TextEncoder().encode(source.data).length;
      return { path, sourceType: tag, mediaType: "text/plain", pages: 0, bytes, text: source.data };
    }
    case "url": {
      if (typeof source.url !== "string") return invalidRequest(`${at}.url.url: Field required`);
      const bytes = await (options.download ?? defaultDownload)(source.url);
      if (!bytes) {
        return invalidRequest(
          `${at}.url.url: Unable to download the file. Please verify the URL and try again.`,
        );
      }
      return await pdfDocument(bytes, path, "url");
    }
    case "content": {
      const text = contentText(source.content);
      if (typeof text !== "string") return invalidRequest(`${at}.content.${text.message}`);
      const bytes = new TextEncoder().encode(text).length;
      return { path, sourceType: tag, mediaType: null, pages: 0, bytes, text };
    }
    default: {
      if (typeof source.file_id !== "string") {
        return invalidRequest(`${at}.file.file_id: Field required`);
      }
      return apiError(404, `File not found: ${source.file_id}`);
    }
  }
}
