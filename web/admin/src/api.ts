// The console's API client (web/shared/client.ts): its own session keys, error labels from the console's
// dictionary (error.code.<CODE>), and the get/post/put/patch/delete shorthands its screens use.
import { ApiError, createApiClient, type Query } from '../../shared/client';
import { makeTranslate, type Locale } from './i18n';

export { ApiError, withQuery, type SecurityBlock, type SessionTokens } from '../../shared/client';

const t = () => makeTranslate((document.documentElement.lang === 'en' ? 'en' : 'zh') as Locale);

const client = createApiClient({
  storageKeys: {
    token: 'fenxiao.admin.token',
    refresh: 'fenxiao.admin.refresh',
    expiresAt: 'fenxiao.admin.tokenExpiresAt',
    refreshLock: 'fenxiao.admin.refreshLock',
  },
  errorLabel: (code, retryAfter) =>
    (retryAfter !== undefined ? t().maybe(`error.code.${code}.wait`, { n: Math.ceil(retryAfter) }) : undefined) ?? t().maybe(`error.code.${code}`),
  networkErrorMessage: (e) => (e instanceof Error ? e.message : 'network error'),
  sessionEndedMessage: () => t()('error.unauthorized'),
  guest401EndsSession: false,
});

export const SESSION_TOKEN_KEY = client.sessionTokenKey;
export const { getToken, getRefreshToken, setSession, refreshSession, endSession, onUnauthorized, onSecurityBlock } = client;

/**
 * Uploads one file as multipart/form-data (POST /api/admin/media) with the session's token, renewed
 * first when it is about to expire; a refusal throws an ApiError labelled like every other answer's.
 */
export async function uploadFile<T>(path: string, file: Blob, filename?: string): Promise<T> {
  const token = await client.freshToken();
  const form = new FormData();
  form.append('file', file, filename);
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: form });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }
  const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  if (!res.ok) {
    const code = body.code ?? `HTTP_${res.status}`;
    throw new ApiError(res.status, code, t().maybe(`error.code.${code}`) ?? body.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

export function setToken(token: string | null) {
  setSession(token ? { token } : null);
}

/** The JSON answer; a body-less success (204) is undefined. */
export function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, query?: Query): Promise<T> {
  return client.request<T>(path, { method, body, query });
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: <T>(path: string) => request<T>('DELETE', path),
};

/** Fetches a small file with the token (into memory) and hands it to the browser as a download; the streamed exports use downloadExport. */
export async function download(path: string, query: Query, fallbackName: string): Promise<void> {
  const res = await client.send(path, { query });
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Downloads a streamed export natively, straight to disk: asks `<path>/ticket` for a download ticket
 * for this query (the server checks the query, the role and a free slot there, so a refusal throws
 * its ApiError here, before any download), then lets the browser open the export with the ticket in
 * place of the Authorization header. The browser names the file (Content-Disposition) and shows its
 * progress; the file is never held in the page's memory.
 */
export async function downloadExport(path: string, query: Query): Promise<void> {
  const { url } = await client.request<{ url: string }>(`${path}/ticket`, { method: 'POST', query });
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
