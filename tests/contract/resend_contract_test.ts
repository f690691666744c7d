/**
 * Contract with the real Resend API, opt-in: the product's client sends ONE email to Resend's
 * test address `delivered@resend.dev` (resend.com/docs/dashboard/emails/send-test-emails), then
 * sends it again under the same idempotency key and must get the same id back
 * (resend.com/docs/dashboard/emails/idempotency-keys). It runs only where `RESEND_API_KEY` is set
 * and `CI` is not, against `https://api.resend.com` whatever RESEND_BASE_URL says; the sender is
 * DIGEST_FROM (a verified domain), else `onboarding@resend.dev`.
 *
 * ```sh
 * RESEND_API_KEY=re_... DIGEST_FROM="Job feed <digest@your.domain>" \
 *   deno test -A tests/contract/resend_contract_test.ts
 * ```
 *
 * Costs one email of the account's quota (the repeat is answered from the idempotency key).
 *
 * @module
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../shared/config.ts";
import { createResendClient } from "../../shared/email/resend.ts";

Deno.test({
  name: "contract: Resend sends once and answers a repeated idempotency key with the same id",
  ignore: !Deno.env.get("RESEND_API_KEY") || Deno.env.has("CI"),
  async fn() {
    const config = loadConfig();
    const client = createResendClient({
      apiKey: config.RESEND_API_KEY!,
      baseUrl: "https://api.resend.com",
    });
    const message = {
      from: config.DIGEST_FROM ?? "Job feed <onboarding@resend.dev>",
      to: "delivered@resend.dev",
      subject: "Contract test of the morning digest",
      html: "<p>One email, sent once.</p>",
      text: "One email, sent once.",
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    };
    const key = `contract/digest/${crypto.randomUUID()}`;
    const first = await client.send(message, key);
    assert.equal(first.kind, "sent", JSON.stringify(first));
    // Resend's default rate is 2 requests a second: wait out the window before the repeat
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const again = await client.send(message, key);
    assert.deepEqual(again, first);
    console.log(`Resend accepted ${(first as { id: string }).id} once for key ${key}`);
  },
});
