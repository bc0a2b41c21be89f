// /bargain/:id[?invite=CODE] — one bargain: its progress, the friends' cuts, a countdown; the starter
// shares it and buys at the reached price, a friend cuts it once (signed in first). The share link
// carries the starter's invite code: the visit is recorded and the code kept, so a friend who
// registers from here is bound to the starter as through any share link.
import { Button, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { loginPath, useAuth } from '../../auth';
import { Avatar, copyText, ErrorView, Loading, SubPage, toastError, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { storeInviteCode, visitorKey } from '../../referral';
import { formatFen } from '../../../../shared/money';
import { bargainCheckoutPath, bargainShareUrl, bargainsApi, type BargainProgress } from './api';
import { ProgressCard } from './parts';

/** Remembers the invite code of the link this page was opened by (not one's own), as the share page does. */
function useShareVisit(invite: string | null, myInviteCode: string | undefined) {
  const recorded = useRef(false);
  useEffect(() => {
    if (!invite || recorded.current || invite.toUpperCase() === myInviteCode) return;
    recorded.current = true;
    const code = invite.trim().toUpperCase();
    storeInviteCode(code);
    api.recordVisit(code, visitorKey()).catch(() => undefined);
  }, [invite, myInviteCode]);
}

function Actions({ b, reload }: { b: BargainProgress; reload: () => void }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const location = useLocation();
  const { token, me } = useAuth();
  const [busy, setBusy] = useState(false);
  const [myCutFen, setMyCutFen] = useState<number | null>(null);
  const live = b.status === 'open' || b.status === 'complete';

  if (b.viewer.isStarter) {
    const share = async () => {
      const url = bargainShareUrl(b.id, me?.inviteCode ?? '');
      const copied = await copyText(url);
      Toast.show({ content: <span data-testid="bargain-share-toast" data-url={url}>{copied ? t('bargain.shareCopied') : t('bargain.shareManual', { url })}</span> });
    };
    if (b.status === 'bought' && b.orderId) {
      return (
        <Button block shape="rounded" onClick={() => navigate(`/orders/${b.orderId}`)} data-testid="bargain-view-order">
          {t('bargain.viewOrder')}
        </Button>
      );
    }
    if (!live) return <div className="muted" style={{ textAlign: 'center' }}>{t('bargain.ended')}</div>;
    return (
      <div style={{ display: 'flex', gap: 10 }}>
        {b.status === 'open' && (
          <Button style={{ flex: 1 }} shape="rounded" color="warning" onClick={() => void share()} data-testid="bargain-share">
            {t('bargain.share')}
          </Button>
        )}
        {b.orderId ? (
          <Button style={{ flex: 1 }} shape="rounded" color="danger" onClick={() => navigate(`/orders/${b.orderId}`)} data-testid="bargain-pay-order">
            {t('bargain.payOrder')}
          </Button>
        ) : (
          <Button style={{ flex: 1 }} shape="rounded" color="danger" onClick={() => navigate(bargainCheckoutPath(b))} data-testid="bargain-buy" data-fen={b.currentPriceFen}>
            {t('bargain.buy', { amount: formatFen(b.currentPriceFen) })}
          </Button>
        )}
      </div>
    );
  }

  const help = async () => {
    if (!token) {
      navigate(loginPath(location.pathname + location.search));
      return;
    }
    setBusy(true);
    try {
      const result = await bargainsApi.help(b.id);
      setMyCutFen(result.cutFen);
      Toast.show({ icon: 'success', content: <span data-testid="bargain-helped-toast">{t('bargain.helpedToast', { amount: formatFen(result.cutFen) })}</span> });
      reload();
    } catch (error) {
      toastError(error);
    } finally {
      setBusy(false);
    }
  };
  const startOwn = (
    <Button block shape="rounded" fill="outline" color="danger" onClick={() => navigate(`/product/${b.productId}`)} data-testid="bargain-start-own" style={{ marginTop: 10 }}>
      {t('bargain.startOwn')}
    </Button>
  );
  if (b.viewer.helped) {
    return (
      <>
        <Button block shape="rounded" disabled data-testid="bargain-helped">
          {myCutFen !== null ? t('bargain.youHelped', { amount: formatFen(myCutFen) }) : t(`bargain.status.${b.status}`)}
        </Button>
        {startOwn}
      </>
    );
  }
  if (b.status !== 'open') {
    return (
      <>
        <div className="muted" style={{ textAlign: 'center' }}>{t(b.status === 'complete' ? 'bargain.status.complete' : 'bargain.ended')}</div>
        {startOwn}
      </>
    );
  }
  return (
    <>
      <Button block shape="rounded" color="danger" loading={busy} onClick={() => void help()} data-testid="bargain-help">
        {token ? t('bargain.help') : t('bargain.helpLogin')}
      </Button>
      {b.helperRule === 'new_members' && <div className="muted small" style={{ textAlign: 'center', marginTop: 6 }}>{t('bargain.newMembersOnly')}</div>}
      {startOwn}
    </>
  );
}

export function BargainPage() {
  const t = useFeatureT();
  const { id } = useParams();
  const [params] = useSearchParams();
  const { me } = useAuth();
  const bargainId = Number(id);
  useShareVisit(params.get('invite'), me?.inviteCode);
  const bargain = useLoad(() => bargainsApi.progress(bargainId), [bargainId, me?.id]);
  const b = bargain.data;
  return (
    <SubPage title={t('bargain.page.title')} testId="bargain-page">
      {bargain.loading && !b ? (
        <Loading />
      ) : bargain.error || !b ? (
        <ErrorView error={bargain.error} onRetry={bargain.reload} />
      ) : (
        <>
          {!b.viewer.isStarter && (
            <div className="card" style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
              <Avatar src={b.starter.avatarUrl} name={b.starter.nickname} size={32} />
              <span>{t('bargain.starterSays', { name: b.starter.nickname })}</span>
            </div>
          )}
          <ProgressCard b={b} />
          <div style={{ margin: '12px' }}>
            <Actions b={b} reload={bargain.reload} />
          </div>
          <div className="card" data-testid="bargain-helps">
            <div className="card-title">{t('bargain.friends')}</div>
            {b.helps.length === 0 ? (
              <div className="muted small">{t('bargain.noHelps')}</div>
            ) : (
              b.helps.map((h) => (
                <div key={h.seq} data-testid="bargain-help-row" data-cut-fen={h.cutFen} style={{ display: 'flex', alignItems: 'center', gap: 10, padding: '6px 0' }}>
                  <Avatar src={h.avatarUrl} name={h.nickname} size={28} />
                  <span style={{ flex: 1, minWidth: 0 }}>{h.nickname}</span>
                  <span className="accent">{t('bargain.cutBy', { amount: formatFen(h.cutFen) })}</span>
                </div>
              ))
            )}
          </div>
        </>
      )}
    </SubPage>
  );
}
