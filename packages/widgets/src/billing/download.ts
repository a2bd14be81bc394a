// Downloads that are not JSON (invoice and statement PDFs): fetched with the bearer token (a plain
// link cannot carry it), then saved through a blob URL. Errors come back in the API's one shape.
import { buildUrl, parseErrorBody, type QueryValue } from '@cascade/ui';

export interface DownloadedFile {
  fileName: string;
  bytes: number;
}

/** The file name from a Content-Disposition header, or the fallback. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() || fallback;
}

/** GETs `path` with the token and saves the answer as a file; throws an ApiError on an error answer. */
export async function downloadFile(
  args: {
    apiBaseUrl: string;
    token: string;
    path: string;
    query?: Record<string, QueryValue>;
    fallbackName: string;
  },
  doFetch: typeof globalThis.fetch | undefined = undefined,
): Promise<DownloadedFile> {
  const fetchFile = doFetch ?? ((input, init) => globalThis.fetch(input, init));
  const response = await fetchFile(buildUrl(args.apiBaseUrl, args.path, args.query), {
    headers: { Authorization: `Bearer ${args.token}`, Accept: 'application/pdf, application/json' },
  });
  if (!response.ok) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw parseErrorBody(response.status, response.statusText, body);
  }
  const blob = await response.blob();
  const fileName = fileNameFrom(response.headers.get('Content-Disposition'), args.fallbackName);
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Revoke after the click has been handled, or some browsers cancel the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return { fileName, bytes: blob.size };
}
