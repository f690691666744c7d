import assert from "node:assert/strict";
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { checkCvPdf, CvFileError } from "../shared/cv/pdf_checks.ts";

async function pdf(pages: number, options: { encrypt?: boolean } = {}): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    document.addPage().drawText(`Page ${i + 1}`, { x: 50, y: 700, font, size: 12 });
  }
  if (options.encrypt) {
    // what an encrypted file declares: an /Encrypt dictionary in the trailer
    const encrypt = document.context.obj({ Filter: "Standard", V: 2, R: 3, Length: 128 });
    document.context.trailerInfo.Encrypt = document.context.register(encrypt);
  }
  return await document.save({ useObjectStreams: false });
}

async function rejection(bytes: Uint8Array, options = {}): Promise<CvFileError> {
  try {
    await checkCvPdf(bytes, "cv.pdf", options);
  } catch (error) {
    assert.ok(error instanceof CvFileError, String(error));
    return error;
  }
  throw new Error("expected the file to be rejected");
}

Deno.test("a good PDF passes unchanged", async () => {
  const bytes = await pdf(2);
  const checked = await checkCvPdf(bytes, "cv.pdf");
  assert.equal(checked.bytes, bytes);
  assert.deepEqual([checked.pages, checked.sentPages], [2, 2]);
});

Deno.test("a long CV is cut to its first pages, not refused", async () => {
  const checked = await checkCvPdf(await pdf(14), "cv.pdf", { maxPages: 10 });
  assert.deepEqual([checked.pages, checked.sentPages], [14, 10]);
  assert.equal((await PDFDocument.load(checked.bytes)).getPageCount(), 10);
});

Deno.test("every bad file gets a reason a person can act on", async () => {
  const empty = await rejection(new Uint8Array());
  assert.equal(empty.reason, "empty");
  assert.match(empty.message, /Cannot read CV cv\.pdf: the file is empty/);

  const text = await rejection(new TextEncoder().encode("Curriculum vitae\nAna Example\n"));
  assert.equal(text.reason, "not_pdf");
  assert.match(text.message, /is not a PDF\. Save or export your CV as PDF/);

  const encrypted = await rejection(await pdf(1, { encrypt: true }));
  assert.equal(encrypted.reason, "encrypted");
  assert.match(encrypted.message, /encrypted or password-protected/);

  const large = await rejection(await pdf(1), { maxBytes: 100 });
  assert.equal(large.reason, "too_large");
  assert.match(large.message, /more than the 0\.0 MB allowed/);

  const broken = await rejection(new TextEncoder().encode("%PDF-1.7\n%garbage without objects"));
  assert.equal(broken.reason, "unreadable");
  assert.match(broken.message, /the PDF is damaged/);

  // the pdf-lib trailer key really is what marks encryption
  const doc = await PDFDocument.load(await pdf(1, { encrypt: true }), { ignoreEncryption: true });
  assert.ok(doc.context.trailerInfo.Encrypt);
  assert.ok(PDFName.of("Encrypt"));
});
