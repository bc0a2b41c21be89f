// /group/:id[?invite=CODE] — one group: its members (nicknames masked), places left, a countdown;
// the share button copies the group's link with the opener's invite code, and a visitor joins it
// (checkout with the campaign). Opened by a share link, the visit is recorded and the code kept, so a
// friend who registers from here is bound to the opener as through any share link.
import { Button, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { Avatar, copyText, ErrorView, Loading, Price, ProductImage, SubPage, useLoad } from '../../components';
import { useFeatureT } from '../../i18n';
import { ShareIcon } from '../../icons';
import { storeInviteCode, visitorKey } from '../../referral';
import { formatFen } from '../../../../shared/money';
import { groupBuysApi, groupCheckoutPath, groupShareUrl, type GroupDetail } from './api';
import { Countdown, GroupStatusTag, SkuTags } from './parts';

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

export function GroupPage() {
  const t = useFeatureT();
  const id = Number(useParams().id);
  const [params] = useSearchParams();
  const { me } = useAuth();
  useShareVisit(params.get('invite'), me?.inviteCode);
  const group = useLoad(() => groupBuysApi.group(id), [id, me?.id]);
  if (group.loading && !group.data) return <SubPage title={t('groupBuy.group.title')}><Loading /></SubPage>;
  if (group.error || !group.data) return <SubPage title={t('groupBuy.group.title')}><ErrorView error={group.error} onRetry={group.reload} /></SubPage>;
  const g = group.data;
  return (
    <SubPage title={t('groupBuy.group.title')} testId="group-page">
      <div className="card" style={{ display: 'flex', gap: 12 }}>
        <ProductImage src={g.offer.imageUrl} title={g.offer.productTitle} seed={g.offer.productId} style={{ width: 88, height: 88, borderRadius: 8, flex: 'none' }} />
        <div style={{ flex: 1, minWidth: 0 }}>
          <div style={{ fontWeight: 600 }}>{g.offer.productTitle}</div>
          <div className="muted small">{g.offer.title}</div>
          <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginTop: 4 }}>
            <Price fen={g.offer.minGroupPriceFen} testId="group-price" />
            <GroupStatusTag status={g.status} />
          </div>
        </div>
      </div>
      <Members g={g} />
      <div className="card">
        <Actions g={g} />
      </div>
    </SubPage>
  );
}

/** Who is in: the paid members (the opener first), then the places still open, or those the system filled. */
function Members({ g }: { g: GroupDetail }) {
  const t = useFeatureT();
  const empty = g.status === 'succeeded' ? g.simulatedSlots : Math.max(g.groupSize - g.members.length, 0);
  return (
    <div className="card" data-testid="group-members" data-count={g.members.length}>
      <div style={{ textAlign: 'center', marginBottom: 10 }}>
        {g.status === 'open' ? (
          <>
            <div data-testid="group-slots-left" data-n={g.slotsLeft}>{t('groupBuy.slotsLeft', { n: g.slotsLeft })}</div>
            <Countdown until={g.expiresAt} testId="group-countdown" />
          </>
        ) : (
          <div className="muted">{t(`groupBuy.group.said.${g.status}`)}</div>
        )}
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'center', gap: 12 }}>
        {g.members.map((m, i) => (
          <div key={i} style={{ textAlign: 'center', width: 56 }} data-testid="group-member">
            <Avatar src={m.avatarUrl} name={m.nickname} size={44} />
            <div className="small" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{m.isOpener ? t('groupBuy.group.opener') : m.nickname}</div>
          </div>
        ))}
        {Array.from({ length: empty }, (_, i) => (
          <div key={`empty-${i}`} style={{ textAlign: 'center', width: 56 }} data-testid="group-empty-slot">
            <span className="avatar avatar-letter" style={{ width: 44, height: 44, fontSize: 20, opacity: 0.5 }}>?</span>
            <div className="small muted">{g.status === 'succeeded' ? t('groupBuy.group.filled') : t('groupBuy.group.waiting')}</div>
          </div>
        ))}
      </div>
    </div>
  );
}

function Actions({ g }: { g: GroupDetail }) {
  const t = useFeatureT();
  const navigate = useNavigate();
  const [skuId, setSkuId] = useState(g.offer.skus[0]?.skuId ?? 0);
  const sku = g.offer.skus.find((s) => s.skuId === skuId) ?? g.offer.skus[0];
  const share = async () => {
    const url = groupShareUrl(g.id, g.openerInviteCode);
    const copied = await copyText(url);
    Toast.show({ content: <span data-testid="group-share-toast" data-url={url}>{copied ? t('groupBuy.group.shareCopied') : t('groupBuy.group.shareManual', { url })}</span> });
  };
  const shareButton = g.status === 'open' && (
    <Button block shape="rounded" color="warning" onClick={() => void share()} data-testid="group-share" style={{ marginBottom: 10 }}>
      <ShareIcon size={16} /> {t('groupBuy.group.share')}
    </Button>
  );
  if (g.mine && g.mine.status !== 'dropped') {
    return (
      <>
        {shareButton}
        <Button block shape="rounded" color={g.mine.status === 'unpaid' ? 'danger' : 'default'} onClick={() => navigate(`/orders/${g.mine!.orderId}`)} data-testid="group-my-order" data-status={g.mine.status}>
          {g.mine.status === 'unpaid' ? t('groupBuy.group.pay') : t('groupBuy.group.myOrder')}
        </Button>
      </>
    );
  }
  if (!g.joinable || !sku) {
    return (
      <Button block shape="rounded" fill="outline" color="danger" onClick={() => navigate(`/product/${g.offer.productId}`)} data-testid="group-open-own">
        {t('groupBuy.group.openOwn')}
      </Button>
    );
  }
  return (
    <>
      {shareButton}
      <SkuTags offer={g.offer} skuId={sku.skuId} onPick={setSkuId} />
      <Button block shape="rounded" color="danger" onClick={() => navigate(groupCheckoutPath(sku.skuId, g.offerId, g.id))} data-testid="group-join" data-fen={sku.groupPriceFen}>
        {t('groupBuy.group.join', { amount: formatFen(sku.groupPriceFen) })}
      </Button>
    </>
  );
}
