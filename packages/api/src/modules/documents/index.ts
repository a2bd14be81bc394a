/**
 * Documents (issue 6): the invoice PDF and the statement-of-account PDF, generated from the data
 * the detail routes show, written to the document storage under the marketplace's Invoice PDF File
 * Path / SOA File Path, and served as downloads. A stored file is served again only while its data
 * is unchanged (a fingerprint of the data is kept beside it); otherwise it is generated anew.
 */
import { z } from 'zod';
import { ApiError } from '../../platform/errors';
import { defineRoute } from '../../platform/routes';
import { type DocumentStorage, joinKey, keySegment } from '../../platform/storage';
import { dateInput, idInput, today } from '../ledger/command';
import { attachmentDisposition } from './format';
import { renderInvoicePdf, renderStatementPdf } from './layout';
import { loadInvoiceDocument, loadStatementDocument } from './load';

/** Bump when the layout changes, so stored files are generated anew. */
export const LAYOUT_VERSION = 1;

const pdfResponse = z.string().describe('The PDF file (application/pdf), served as an attachment.');

/** SHA-256 of the document's data, as hex (Web Crypto: the same on Node and at the edge). */
async function fingerprintOf(data: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify({ layout: LAYOUT_VERSION, data }));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The stored PDF when its fingerprint matches; otherwise renders, writes the PDF and then its
 * fingerprint (a crash between the two leaves a stale fingerprint, so the next request renders
 * again), and returns the new bytes. Without storage (the edge) it only renders.
 */
async function storedOrRendered(
  storage: DocumentStorage | undefined,
  key: string,
  data: unknown,
  render: () => Promise<Uint8Array>,
  option: { field: string; label: string },
): Promise<{ bytes: Uint8Array; cached: boolean }> {
  if (!storage) return { bytes: await render(), cached: false };
  const stampKey = `${key}.sha256`;
  const fingerprint = await fingerprintOf(data);
  const stamp = await storage.get(stampKey).catch(() => null);
  if (stamp && new TextDecoder().decode(stamp) === fingerprint) {
    const bytes = await storage.get(key).catch(() => null);
    if (bytes) return { bytes, cached: true };
  }
  const bytes = await render();
  try {
    await storage.put(key, bytes);
    await storage.put(stampKey, new TextEncoder().encode(fingerprint));
  } catch {
    throw new ApiError(
      'unavailable',
      `The document could not be written to its storage location; check the ${option.label} option`,
      { [option.field]: `${option.label} cannot be written` },
    );
  }
  return { bytes, cached: false };
}

function pdf(bytes: Uint8Array, filename: string, cached: boolean): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(bytes.byteLength),
      'Content-Disposition': attachmentDisposition(filename),
      'Cache-Control': 'private, no-store',
      'X-Document-Source': cached ? 'stored' : 'generated',
    },
  });
}

export const documentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/invoices/:id/pdf',
    summary: 'The invoice as a PDF (download)',
    description:
      'Whoever may read the invoice may download it (others get 404). Written to the storage at `<Invoice PDF File Path>/<issuer org id>/<invoice number>.pdf` and served from there while the invoice is unchanged. A draft (no number yet) is marked DRAFT. The response is the file, not JSON.',
    tags: ['invoices', 'documents'],
    auth: {},
    request: { params: z.object({ id: idInput }) },
    response: pdfResponse,
    async handler({ session, params, withTenant, storage }) {
      const loaded = await loadInvoiceDocument(withTenant, session, params.id);
      const { document } = loaded;
      const name = document.number ?? `draft-${loaded.invoiceId}`;
      const key = joinKey(loaded.folder, keySegment(loaded.issuerOrgId), `${keySegment(name)}.pdf`);
      const { bytes, cached } = await storedOrRendered(
        storage,
        key,
        document,
        () => renderInvoicePdf(document),
        {
          field: 'invoicePdfFilePath',
          label: 'Invoice PDF File Path',
        },
      );
      const filename = document.number
        ? `Invoice ${document.number}.pdf`
        : `Invoice draft ${loaded.invoiceId}.pdf`;
      return pdf(bytes, filename, cached) as never;
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/accounts/:accountId/statement/pdf',
    summary: 'Statement of account for a period as a PDF (download)',
    description:
      'The figures of `GET /api/v1/accounts/{accountId}/statement`: opening balance, every document with debit, credit and running balance, closing balance. Whoever may read that statement may download it. Written to the storage under the SOA File Path. The response is the file, not JSON.',
    tags: ['ledger', 'documents'],
    auth: {},
    request: {
      params: z.object({ accountId: idInput }),
      query: z
        .object({ from: dateInput, to: dateInput })
        .refine((q) => q.from <= q.to, { error: 'from must not be after to', path: ['from'] }),
    },
    response: pdfResponse,
    async handler({ session, params, query, withTenant, storage }) {
      const loaded = await loadStatementDocument(
        withTenant,
        session.tenant,
        params.accountId,
        query.from,
        query.to,
        today(),
      );
      const { document } = loaded;
      const key = joinKey(
        loaded.folder,
        keySegment(loaded.issuerOrgId),
        keySegment(document.accountId),
        `${query.from}_${query.to}.pdf`,
      );
      const { bytes, cached } = await storedOrRendered(
        storage,
        key,
        document,
        () => renderStatementPdf(document),
        { field: 'soaFilePath', label: 'SOA File Path' },
      );
      return pdf(bytes, `Statement ${document.accountName} ${query.from}–${query.to}.pdf`, cached) as never;
    },
  }),
];
