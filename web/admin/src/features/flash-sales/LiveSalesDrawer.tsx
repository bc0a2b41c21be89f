// A campaign's live sales per item in a drawer, refreshed every 3 seconds while open: claimed of the
// campaign stock, paid, held by unpaid orders (they close after the campaign's window and the units
// sell again), left, returned to the SKU, and each item's terms.
import { Descriptions, Drawer, Table, Tag } from 'antd';
import { useEffect } from 'react';
import { formatDateTime } from '../../format';
import { useApi } from '../../hooks';
import { useFeatureT } from '../../i18n';
import { formatBp, formatFen } from '../../../../shared/money';
import type { FlashSale, FlashSaleItem } from './types';

const STATE_COLOR = { upcoming: 'blue', running: 'green', ended: 'default' } as const;

export function LiveSalesDrawer({ saleId, onClose }: { saleId: number | null; onClose: () => void }) {
  const t = useFeatureT();
  const sale = useApi<FlashSale>(saleId === null ? null : `/api/admin/flash-sales/${saleId}`);
  const { reload } = sale;
  useEffect(() => {
    if (saleId === null) return;
    const timer = setInterval(reload, 3_000);
    return () => clearInterval(timer);
  }, [saleId, reload]);
  const s = saleId !== null && sale.data?.id === saleId ? sale.data : undefined;
  const commission = (i: FlashSaleItem) => (i.commissionMode === 'rate' ? (i.commissionRatesBp ?? []).map((bp) => formatBp(bp)).join(' / ') : t(`flashSales.commission.${i.commissionMode}`));
  return (
    <Drawer open={saleId !== null} onClose={onClose} size="large" title={s ? `${s.name} · ${t('flashSales.live')}` : ''} data-testid="flash-sale-live">
      {s && (
        <>
          <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('flashSales.state')}>
              <Tag color={STATE_COLOR[s.state]}>{t(`flashSales.state.${s.state}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('flashSales.window')}>{`${formatDateTime(s.startsAt)} ~ ${formatDateTime(s.endsAt)}`}</Descriptions.Item>
            <Descriptions.Item label={t('flashSales.unpaidMinutes')}>{s.unpaidMinutes}</Descriptions.Item>
          </Descriptions>
          <Table<FlashSaleItem>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={s.items}
            scroll={{ x: 1000 }}
            onRow={(r) => ({ 'data-testid': `flash-sale-live-item-${r.skuId}` }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('flashSales.sku'), key: 'sku', width: 180, render: (_v, i) => `${i.productTitle} ${i.skuName}` },
              { title: t('flashSales.price'), dataIndex: 'priceFen', width: 90, align: 'right', render: (v: number) => formatFen(v) },
              { title: t('flashSales.skuPrice'), dataIndex: 'skuPriceFen', width: 90, align: 'right', render: (v: number) => formatFen(v) },
              { title: t('flashSales.sold'), key: 'sold', width: 110, align: 'right', render: (_v, i) => <span data-testid="live-sold">{`${i.sold} / ${i.stock}`}</span> },
              { title: t('flashSales.paid'), dataIndex: 'paidQuantity', width: 80, align: 'right', render: (v: number) => <span data-testid="live-paid">{v}</span> },
              { title: t('flashSales.unpaid'), dataIndex: 'unpaidQuantity', width: 100, align: 'right', render: (v: number) => <span data-testid="live-unpaid">{v}</span> },
              { title: t('flashSales.remaining'), dataIndex: 'remaining', width: 70, align: 'right', render: (v: number) => <span data-testid="live-remaining">{v}</span> },
              { title: t('flashSales.returned'), dataIndex: 'returned', width: 100, align: 'right' },
              { title: t('flashSales.orders'), dataIndex: 'orders', width: 70, align: 'right' },
              { title: t('flashSales.limit'), dataIndex: 'perMemberLimit', width: 90, align: 'right', render: (v: number | null) => v ?? t('flashSales.limitNone') },
              { title: t('flashSales.commission'), key: 'commission', width: 120, render: (_v, i) => commission(i) },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}
