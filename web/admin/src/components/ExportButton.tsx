// 导出: a button opening the export form — CSV or Excel, an optional day range (Asia/Shanghai, both
// days included) — that downloads with the list's current filters and the console's language. The
// browser downloads the file itself, straight to disk, however many rows it holds (api.ts
// downloadExport): the console first asks the server for a one-time download ticket for exactly this
// export, which checks the filters, the role and that an export slot is free. A refusal there (bad
// input, role, too many exports running) is shown in the form as the error it is, and the form stays
// open to try again; once the ticket is in, the browser takes over (its download list shows the
// progress, and a download cut off midway as failed) and the form closes.
import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Form, Modal, Radio, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import type { Query } from '../../../shared/client';
import { ApiError, downloadExport } from '../api';
import { describeError } from '../hooks';
import { useT, type Key } from '../i18n';

export function ExportButton({
  path,
  filters,
  title,
  rangeLabel,
  testId,
  children,
}: {
  /** the export route, e.g. /api/admin/orders/export */
  path: string;
  /** the list's current filters, sent as they are */
  filters: Query;
  /** the download's name without extension (the server names the file: `<name>-<date>.<format>`) */
  fileName: string;
  title: Key;
  /** what the day range filters on (paid, created, requested) */
  rangeLabel: Key;
  testId: string;
  /** more filters of this export only, shown in the form */
  children?: ReactNode;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<'xlsx' | 'csv'>('xlsx');
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);

  const submit = async () => {
    if (running) return;
    setRunning(true);
    setError(null);
    try {
      await downloadExport(path, { ...filters, format, lang: t.locale, from: range?.from, to: range?.to });
      message.success(t('export.started'));
      setOpen(false);
    } catch (e) {
      setError(e instanceof ApiError ? describeError(e, t) : t('export.interrupted'));
    } finally {
      setRunning(false);
    }
  };

  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={() => setOpen(true)} data-testid={testId}>
        {t('export.button')}
      </Button>
      <Modal
        open={open}
        title={t(title)}
        okText={t('export.button')}
        onOk={submit}
        onCancel={() => setOpen(false)}
        confirmLoading={running}
        okButtonProps={{ 'data-testid': `${testId}-submit` }}
        data-testid={`${testId}-form`}
      >
        <Form layout="vertical">
          <Form.Item label={t('export.format')}>
            <Radio.Group value={format} onChange={(e) => setFormat(e.target.value)} data-testid={`${testId}-format`}>
              <Radio.Button value="xlsx">{t('export.xlsx')}</Radio.Button>
              <Radio.Button value="csv">{t('export.csv')}</Radio.Button>
            </Radio.Group>
          </Form.Item>
          <Form.Item label={t(rangeLabel)} extra={t('export.rangeHint')}>
            <DatePicker.RangePicker
              allowClear
              onChange={(_dates, text) => setRange(text[0] && text[1] ? { from: text[0], to: text[1] } : null)}
              data-testid={`${testId}-range`}
            />
          </Form.Item>
          {children}
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginBottom: error ? 12 : 0 }}>
          {t('export.hint')}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} data-testid={`${testId}-error`} />}
      </Modal>
    </>
  );
}
