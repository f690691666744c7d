/**
 * Reads a CV with Claude: the PDF as a `document` block, the candidate profile as structured
 * output (the SDK's zod helper, `messages.parse`), every failure turned into a message the
 * person who uploaded the CV can act on.
 *
 * @module
 */
import Anthropic from "@anthropic-ai/sdk";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { encodeBase64 } from "./base64.ts";
import { type CvProfile, cvProfileSchema } from "./profile.ts";

/** Why Claude's reading failed; `message` is for the user, `retryable` for the operator. */
export class CvParseError extends Error {
  override name = "CvParseError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly usage: TokenUsage | null = null,
  ) {
    super(message);
  }
}

/** Tokens a call used. */
export interface TokenUsage {
  input: number;
  output: number;
}

/** What Claude read. */
export interface ExtractedProfile {
  profile: CvProfile;
  model: string;
  usage: TokenUsage;
}

/** Options for {@link extractProfile}. */
export interface ExtractOptions {
  client: Anthropic;
  model: string;
  /** Default 4096: a profile is far shorter; more would only let a runaway answer cost more. */
  maxTokens?: number;
}

const INSTRUCTIONS = `You read CVs for a job-search service in Germany and Europe.
From the attached document, extract the candidate profile:
- job_titles: the roles this person fits, as employers title their postings (in the CV's
  language or English), best first; "primary" for what they do now or aim for, "plausible" for
  close alternatives. At most 5. Seniority is the years of experience the role asks for.
- locations: cities (or countries, or "Remote") where they live or say they want to work,
  "preferred" first. At most 4.
- work_arrangements, employment_types, industries: only values the person's CV supports.
If the document is not a CV or résumé, set is_cv to false and say what it is instead.`;

/** The structured output Claude is asked for. */
type ProfileFormat = ReturnType<typeof zodOutputFormat<typeof cvProfileSchema>>;

/** Sends the PDF to Claude; the SDK's failures become {@link CvParseError}s. */
async function askClaude(
  pdf: Uint8Array,
  fileName: string,
  options: ExtractOptions,
  format: ProfileFormat,
): Promise<Anthropic.Message> {
  try {
    // create, not parse: parse would throw on a refusal or a cut-off answer before we could
    // tell them apart, and lose the token usage
    return await options.client.messages.create({
      model: options.model,
      max_tokens: options.maxTokens ?? 4096,
      system: INSTRUCTIONS,
      messages: [{
        role: "user",
        content: [
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: encodeBase64(pdf) },
            title: fileName,
          },
          { type: "text", text: "Extract the candidate profile from this CV." },
        ],
      }],
      output_config: { format },
    });
  } catch (error) {
    throw describeFailure(error, fileName);
  }
}

/** Reads Claude's answer into a profile with job titles and a location, or throws why not. */
function readProfile(
  message: Anthropic.Message,
  fileName: string,
  format: ProfileFormat,
): ExtractedProfile {
  const usage = { input: message.usage.input_tokens, output: message.usage.output_tokens };
  const fail = (why: string, retryable: boolean) => new CvParseError(why, retryable, usage);
  if (message.stop_reason === "refusal") throw fail(`Claude declined to read ${fileName}.`, false);
  if (message.stop_reason === "max_tokens") {
    throw fail(`Claude's reading of ${fileName} was cut off before it was complete.`, true);
  }
  const text = message.content.find((block) => block.type === "text");
  let profile: CvProfile;
  try {
    profile = format.parse(text && "text" in text ? text.text : "");
  } catch {
    throw fail(`Claude's answer for ${fileName} did not have the expected shape.`, true);
  }
  if (!profile.is_cv) {
    const what = profile.not_cv_reason ? `: ${profile.not_cv_reason}` : "";
    throw fail(`${fileName} does not look like a CV${what}. Upload your CV as a PDF.`, false);
  }
  if (profile.job_titles.length === 0 || profile.locations.length === 0) {
    const missing = profile.job_titles.length === 0 ? "job titles" : "location";
    throw fail(
      `No ${missing} could be read from ${fileName}. If it is a scan or a picture, upload a PDF ` +
        "with selectable text; otherwise add your role and city to the CV.",
      false,
    );
  }
  return { profile, model: message.model, usage };
}

/** Asks Claude for the profile of a checked PDF. Throws {@link CvParseError}. */
export async function extractProfile(
  pdf: Uint8Array,
  fileName: string,
  options: ExtractOptions,
): Promise<ExtractedProfile> {
  const format = zodOutputFormat(cvProfileSchema);
  const message = await askClaude(pdf, fileName, options, format);
  return readProfile(message, fileName, format);
}

/** The API's own error text, without the JSON around it. */
function apiMessage(error: InstanceType<typeof Anthropic.APIError>): string {
  const body = error.error as { error?: { message?: string } } | undefined;
  return body?.error?.message ?? `HTTP ${error.status}`;
}

/** The SDK's errors, in words for the user (and the operator, where the fault is ours). */
function describeFailure(error: unknown, fileName: string): CvParseError {
  const later = `${fileName} is kept and will be read again shortly.`;
  if (error instanceof Anthropic.APIError) {
    const status = error.status;
    if (status === 429 || status === 529 || (typeof status === "number" && status >= 500)) {
      const what = status === 429
        ? "is rate-limited"
        : status === 529
        ? "is overloaded"
        : `answered ${status}`;
      return new CvParseError(`Claude ${what} right now. ${later}`, true);
    }
    if (status === 401 || status === 402 || status === 403 || status === 404) {
      // our configuration (key, billing, model), not the user's file
      console.error(`Claude refused the request (${status}): ${apiMessage(error)}`);
      return new CvParseError(`CVs cannot be read at the moment. ${later}`, true);
    }
    if (status === 413) {
      return new CvParseError(`${fileName} is too large for Claude to read.`, false);
    }
    if (status === 400) {
      return new CvParseError(`Claude could not read ${fileName}: ${apiMessage(error)}`, false);
    }
    return new CvParseError(`Claude could not be reached (${apiMessage(error)}). ${later}`, true);
  }
  // no API key, a connection failure, a timeout: all ours to fix or wait out
  console.error(`Reading ${fileName} with Claude failed: ${(error as Error)?.message ?? error}`);
  return new CvParseError(`CVs cannot be read at the moment. ${later}`, true);
}
