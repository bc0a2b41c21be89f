// DELETE for this feature's screens (the shared api client has get/post/put/patch only).
import { ApiError, getToken } from '../../api';

export async function apiDelete(path: string): Promise<null> {
  const token = getToken();
  const res = await fetch(path, { method: 'DELETE', headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  if (res.ok) return null;
  const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  throw new ApiError(res.status, body.code ?? 'HTTP_ERROR', body.message ?? res.statusText);
}
