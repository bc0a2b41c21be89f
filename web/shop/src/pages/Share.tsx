// /s/:inviteCode[?p=productId] — a share link or a scanned poster lands here.
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api, errorMessage } from '../api';
import { useAuth } from '../auth';
import { Loading } from '../components';
import { useI18n } from '../i18n';
import { storeInviteCode, visitorKey } from '../referral';

export function SharePage() {
  const { t } = useI18n();
  const { inviteCode = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signOut } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  const productId = Number(params.get('p'));
  const target = Number.isSafeInteger(productId) && productId > 0 ? `/product/${productId}` : '/';

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const code = inviteCode.trim().toUpperCase();
    // a stale token must not lose the visit: sign out and record it anonymously
    const record = () =>
      api.recordVisit(code, visitorKey()).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) {
          signOut();
          return api.recordVisit(code, visitorKey());
        }
        throw e;
      });
    record().then(
      () => {
        storeInviteCode(code);
        navigate(target, { replace: true });
      },
      (e: unknown) => {
        // an unknown invite code: say so briefly, then open the mall without it; a passing
        // failure (network, rate limit) still keeps the code for registration and checkout
        const invalid = e instanceof ApiError && (e.status === 404 || e.status === 400 || e.status === 422);
        if (!invalid) {
          storeInviteCode(code);
          navigate(target, { replace: true });
          return;
        }
        setError(errorMessage(e));
        setTimeout(() => navigate(target, { replace: true }), 1800);
      },
    );
  }, [inviteCode, navigate, target, signOut]);

  return (
    <div className="page share-page" data-testid="share-page">
      {error ? (
        <div className="form-error" data-testid="share-error">
          {t('share.invalid', { msg: error })}
        </div>
      ) : (
        <Loading text={t('share.opening')} />
      )}
    </div>
  );
}
