// 我的拼团: the groups I opened or joined, newest first; each opens its group page.
import { useNavigate } from 'react-router-dom';
import { Empty, LoadMore, SubPage, usePaged } from '../../components';
import { useFeatureT } from '../../i18n';
import { groupBuysApi } from './api';
import { GroupStatusTag } from './parts';

export function MyGroupsPage() {
  const t = useFeatureT();
  const navigate = useNavigate();
  const paged = usePaged((limit, offset) => groupBuysApi.mine(limit, offset).then((r) => r.items), []);
  return (
    <SubPage title={t('groupBuy.mine.title')} testId="my-groups-page">
      {!paged.loading && paged.items.length === 0 && !paged.error ? (
        <Empty text={t('groupBuy.mine.empty')} />
      ) : (
        paged.items.map((g) => (
          <div key={`${g.id}-${g.orderId}`} className="card" onClick={() => navigate(`/group/${g.id}`)} style={{ cursor: 'pointer' }} data-testid={`my-group-${g.id}`}>
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{g.productTitle}</span>
              <GroupStatusTag status={g.status} />
            </div>
            <div className="muted small" style={{ marginTop: 4 }}>
              {g.isOpener ? t('groupBuy.mine.opened', { n: g.groupSize }) : t('groupBuy.mine.joined', { n: g.groupSize })}
              {g.status === 'open' ? ` · ${t('groupBuy.slotsLeft', { n: g.slotsLeft })}` : ''}
              {` · ${t(`groupBuy.memberStatus.${g.memberStatus}`)}`}
            </div>
          </div>
        ))
      )}
      <LoadMore paged={paged} />
    </SubPage>
  );
}
