// 我的优惠券: usable, used and expired coupons.
import { Tabs } from 'antd-mobile';
import { useState } from 'react';
import { Empty, formatDate, LoadMore, SubPage, usePaged } from '../../components';
import { useFeatureT } from '../../i18n';
import { formatFen } from '../../../../shared/money';
import { promotionsApi } from './api';
import { CouponCard } from './CouponCard';

type Tab = 'usable' | 'used' | 'expired';

export function MyCouponsPage() {
  const t = useFeatureT();
  const [tab, setTab] = useState<Tab>('usable');
  const paged = usePaged((limit, offset) => promotionsApi.myCoupons(tab, limit, offset).then((r) => r.items), [tab]);
  return (
    <SubPage title={t('promo.mine.title')} testId="my-coupons-page">
      <Tabs activeKey={tab} onChange={(k) => setTab(k as Tab)}>
        {(['usable', 'used', 'expired'] as const).map((k) => (
          <Tabs.Tab key={k} title={<span data-testid={`coupons-tab-${k}`}>{t(`promo.tab.${k}`)}</span>} />
        ))}
      </Tabs>
      {!paged.loading && paged.items.length === 0 && !paged.error ? (
        <Empty text={t('promo.mine.empty')} />
      ) : (
        paged.items.map((c) => (
          <CouponCard
            key={c.id}
            coupon={c}
            testId={`my-coupon-${c.id}`}
            dimmed={tab !== 'usable'}
            validity={`${formatDate(c.validFrom)} ~ ${formatDate(c.validUntil)}`}
            action={tab === 'used' && c.discountFen ? <span className="accent small">{t('promo.mine.saved', { amount: formatFen(c.discountFen) })}</span> : undefined}
          />
        ))
      )}
      <LoadMore paged={paged} />
    </SubPage>
  );
}
