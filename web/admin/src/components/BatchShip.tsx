// 批量发货: a button on the orders page opening the batch-shipping form — download the template, pick
// the filled-in file (XLSX or CSV), preview every row (nothing is shipped), confirm to ship the rows
// that are ok, then the summary. The file is sent again with the confirm: the server checks each row
// anew, ships each order once, and reports rows already shipped by an earlier upload as such.
import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { ApiError, download, uploadFile } from '../api';
import { describeError } from '../hooks';
import { useT } from '../i18n';
import type { ResponseOf } from '../../../shared/api';

type Answer = ResponseOf<'/api/admin/orders/batch-ship/preview', 'post'>;
type Row = Answer['rows'][number];

const STATUS_COLOR: Record<Row['status'], string> = { ok: 'blue', shipped: 'green', already_shipped: 'default', error: 'red' };

export function BatchShipButton({ onShipped }: { onShipped: () => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<{ step: 'preview' | 'confirm'; body: Answer } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const reset = () => {
    setFile(null);
    setAnswer(null);
    setError(null);
  };
  const send = async (step: 'preview' | 'confirm', chosen: File) => {
    setRunning(true);
    setError(null);
    try {
      const body = await uploadFile<Answer>(`/api/admin/orders/batch-ship/${step}`, chosen, chosen.name);
      setAnswer({ step, body });
      if (step === 'confirm') onShipped();
    } catch (e) {
      setAnswer(null);
      setError(e instanceof ApiError ? describeError(e, t) : String(e));
    } finally {
      setRunning(false);
    }
  };

  const confirmed = answer?.step === 'confirm';
  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="batch-ship">
        {t('batchShip.button')}
      </Button>
      <Modal
        open={open}
        width={900}
        title={t('batchShip.title')}
        onCancel={() => {
          setOpen(false);
          reset();
        }}
        destroyOnHidden
        footer={
          confirmed ? (
            <Button type="primary" onClick={reset} data-testid="batch-ship-again">
              {t('batchShip.another')}
            </Button>
          ) : (
            <Button type="primary" disabled={!file || answer?.body.counts.ok === 0 || !answer} loading={running} onClick={() => file && send('confirm', file)} data-testid="batch-ship-confirm">
              {t('batchShip.confirm', { n: answer?.body.counts.ok ?? 0 })}
            </Button>
          )
        }
        data-testid="batch-ship-form"
      >
        <Typography.Paragraph type="secondary">
          {t('batchShip.hint')}{' '}
          <a onClick={() => download('/api/admin/orders/batch-ship/template', {}, 'batch-ship-template.xlsx')} data-testid="batch-ship-template">
            {t('batchShip.template')}
          </a>
        </Typography.Paragraph>
        {!confirmed && (
          <Upload
            accept=".xlsx,.csv"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(chosen) => {
              setFile(chosen);
              void send('preview', chosen);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={running && answer === null} data-testid="batch-ship-file">
              {file ? file.name : t('batchShip.choose')}
            </Button>
          </Upload>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} data-testid="batch-ship-error" />}
        {answer && (
          <div style={{ marginTop: 16 }} data-testid={`batch-ship-${answer.step}-result`}>
            <Space size={32} style={{ marginBottom: 12 }} data-testid="batch-ship-counts">
              {(confirmed ? (['shipped', 'already_shipped', 'error'] as const) : (['ok', 'already_shipped', 'error'] as const)).map((s) => (
                <Statistic key={s} title={t(`batchShip.status.${s}`)} value={answer.body.counts[s]} data-testid={`batch-ship-count-${s}`} />
              ))}
            </Space>
            <Table<Row>
              size="small"
              rowKey="row"
              dataSource={answer.body.rows}
              pagination={answer.body.rows.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
              scroll={{ x: 760 }}
              data-testid="batch-ship-rows"
              columns={[
                { title: t('batchShip.row'), dataIndex: 'row', width: 60 },
                { title: t('order.orderNo'), dataIndex: 'orderNo', width: 230 },
                { title: t('parcels.carrier'), dataIndex: 'carrier', width: 120, render: (v: string, r) => r.carrierName ?? v },
                { title: t('parcels.trackingNo'), dataIndex: 'trackingNo', width: 170 },
                {
                  title: t('common.status'),
                  dataIndex: 'status',
                  render: (s: Row['status'], r) => (
                    <span data-testid={`batch-ship-row-${r.row}`} data-status={s}>
                      <Tag color={STATUS_COLOR[s]}>{t(`batchShip.status.${s}`)}</Tag>
                      {r.code && <Typography.Text type="danger">{t.maybe(`error.code.${r.code}`) ?? r.code}</Typography.Text>}
                    </span>
                  ),
                },
              ]}
            />
          </div>
        )}
      </Modal>
    </>
  );
}
