// The order's parcels in the console: each with carrier, tracking number and the tracking
// provider's last update; and the ship form — one or more parcels (carrier from 快递100's list, the
// tracking number), or none for goods that need no carrier (无需物流). "Add parcels" records more
// parcels on a paid order (part shipped, it stays paid) or a late one on a shipped order.
import { Button, Card, Checkbox, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { api } from '../api';
import { formatDateTime } from '../format';
import { useApi, useRun } from '../hooks';
import { useT } from '../i18n';
import type { Items, OrderDetail, Parcel } from '../types';
import { FormModal } from './FormModal';

interface Carrier {
  code: string;
  zh: string;
  en: string;
}

interface ShipForm {
  parcels: Array<{ carrierCode?: string; trackingNo?: string }>;
  noCarrier?: boolean;
}

export function ParcelsCard({ order }: { order: OrderDetail }) {
  const t = useT();
  if (order.deliveryMethod === 'pickup') return null;
  return (
    <Card size="small" title={t('parcels.title')} data-testid="order-parcels">
      {order.receiveDueAt && order.status === 'shipped' && (
        <Typography.Paragraph type="secondary" data-testid="order-receive-due">
          {t('parcels.autoReceive', { at: formatDateTime(order.receiveDueAt) })}
          {order.receiveExtendedAt ? ` · ${t('parcels.extended', { at: formatDateTime(order.receiveExtendedAt) })}` : ''}
        </Typography.Paragraph>
      )}
      <Table<Parcel>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={order.parcels}
        scroll={{ x: 720 }}
        locale={{ emptyText: order.shippedAt ? t('parcels.noParcel') : t('parcels.none') }}
        columns={[
          { title: t('parcels.carrier'), dataIndex: 'carrierName' },
          { title: t('parcels.trackingNo'), dataIndex: 'trackingNo', render: (v: string) => <Typography.Text copyable data-testid="parcel-tracking-no">{v}</Typography.Text> },
          { title: t('parcels.shippedBy'), dataIndex: 'shippedBy', render: (v: string) => t.maybe(`parcels.by.${v}`) ?? v },
          { title: t('order.shippedAt'), dataIndex: 'shippedAt', render: formatDateTime },
          {
            title: t('parcels.tracking'),
            key: 'tracking',
            render: (_v, p) =>
              p.trackingState ? (
                <Space orientation="vertical" size={0}>
                  <Tag color={p.trackingState === 'delivered' ? 'green' : p.trackingState === 'problem' || p.trackingState === 'rejected' ? 'red' : 'blue'}>{t.maybe(`parcels.state.${p.trackingState}`) ?? p.trackingState}</Tag>
                  {p.events[0] && <Typography.Text type="secondary">{p.events[0].text}</Typography.Text>}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('parcels.noTracking')}</Typography.Text>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** Ship (paid → shipped, with its parcels) or add parcels; onDone after the API answered. */
export function ShipModal({ order, mode, open, onClose, onDone }: { order: OrderDetail; mode: 'ship' | 'add'; open: boolean; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { run } = useRun();
  const carriers = useApi<Items<Carrier>>(open ? '/api/carriers' : null);
  const zh = t.locale === 'zh';
  const submit = async (v: ShipForm) => {
    const parcels = v.noCarrier && mode === 'ship' ? [] : (v.parcels ?? []).map((p) => ({ carrierCode: p.carrierCode!, trackingNo: (p.trackingNo ?? '').trim() }));
    const r = await run(() => api.post(`/api/admin/orders/${order.id}/${mode === 'ship' ? 'ship' : 'parcels'}`, { parcels }), { success: t('common.done') });
    if (r === undefined) return false;
    onDone();
    return true;
  };
  return (
    <FormModal<ShipForm> open={open} title={mode === 'ship' ? t('parcels.shipTitle') : t('parcels.addTitle')} onClose={onClose} onSubmit={submit} initialValues={{ parcels: [{}] }} testId="ship-form" width={640}>
      {(form) => {
        const noCarrier = Form.useWatch('noCarrier', form) === true && mode === 'ship';
        return (
          <>
            {mode === 'ship' && (
              <Form.Item name="noCarrier" valuePropName="checked">
                <Checkbox data-testid="ship-no-carrier">{t('parcels.noCarrier')}</Checkbox>
              </Form.Item>
            )}
            {!noCarrier && (
              <Form.List name="parcels">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field, i) => (
                      <Space key={field.key} align="baseline" wrap data-testid={`ship-parcel-${i}`}>
                        <Form.Item name={[field.name, 'carrierCode']} rules={[{ required: true, message: t('parcels.carrierRequired') }]}>
                          <Select
                            showSearch
                            optionFilterProp="label"
                            style={{ width: 180 }}
                            placeholder={t('parcels.carrier')}
                            loading={carriers.loading}
                            options={(carriers.data?.items ?? []).map((c) => ({ value: c.code, label: zh ? c.zh : c.en }))}
                            data-testid={`ship-carrier-${i}`}
                          />
                        </Form.Item>
                        <Form.Item name={[field.name, 'trackingNo']} rules={[{ required: true, pattern: /^[A-Za-z0-9-]{4,40}$/, message: t('parcels.trackingNoRule') }]}>
                          <Input style={{ width: 240 }} placeholder={t('parcels.trackingNo')} maxLength={40} data-testid={`ship-tracking-no-${i}`} />
                        </Form.Item>
                        {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} aria-label={t('parcels.remove')} />}
                      </Space>
                    ))}
                    {fields.length < 20 && (
                      <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} data-testid="ship-add-parcel">
                        {t('parcels.addParcel')}
                      </Button>
                    )}
                  </>
                )}
              </Form.List>
            )}
          </>
        );
      }}
    </FormModal>
  );
}
